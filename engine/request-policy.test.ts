import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { AuthThrottle, hostAllowed, isLoopback, originAllowed, presentedToken, tokenMatches } from './request-policy.ts';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('request policy', () => {
  it('accepts only the bound address or a loopback name, with the port', () => {
    expect(hostAllowed('127.0.0.1:8787', '127.0.0.1', 8787)).toBe(true);
    expect(hostAllowed('localhost:8787', '127.0.0.1', 8787)).toBe(true);
    expect(hostAllowed('[::1]:8787', '127.0.0.1', 8787)).toBe(true);
    expect(hostAllowed('evil.example:8787', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('127.0.0.1:9999', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('127.0.0.1', '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 8787)).toBe(false);
    expect(hostAllowed('10.0.0.5:8787', '10.0.0.5', 8787)).toBe(true);
    expect(hostAllowed('lab-pc.local:8787', '10.0.0.5', 8787)).toBe(false);
    // A wildcard bind answers to any name; it always has a token.
    expect(hostAllowed('lab-pc.local:8787', '0.0.0.0', 8787)).toBe(true);
  });

  it('accepts only the origin of the page the Host names', () => {
    expect(originAllowed('http://127.0.0.1:8787', '127.0.0.1:8787')).toBe(true);
    expect(originAllowed('http://LOCALHOST:8787', 'localhost:8787')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:8787')).toBe(false);
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:8787')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8787')).toBe(false);
  });

  it('reads the token from a Bearer header or the per-port cookie, never elsewhere', () => {
    expect(presentedToken(req({ authorization: 'Bearer abc' }), 8787)).toBe('abc');
    expect(presentedToken(req({ cookie: 'x=1; actuate-token-8787=a%2Bb' }), 8787)).toBe('a+b');
    expect(presentedToken(req({ cookie: 'actuate-token-9000=abc' }), 8787)).toBeUndefined();
    expect(presentedToken(req({ cookie: 'actuate-token-8787=%E0%A4%A' }), 8787)).toBeUndefined();
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
    expect(isLoopback('127.0.0.2')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
  });

  it('backs off after the free failures, doubling, per address, and forgets on success', () => {
    let now = 0;
    const throttle = new AuthThrottle(3, 1000, 8000, () => now);
    for (let i = 0; i < 3; i++) throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(0);
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(1000);
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(2000);
    for (let i = 0; i < 5; i++) throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(8000);
    expect(throttle.waitMs('b')).toBe(0);
    now += 8000;
    expect(throttle.waitMs('a')).toBe(0);
    throttle.succeeded('a');
    throttle.failed('a');
    expect(throttle.waitMs('a')).toBe(0);
  });
});
