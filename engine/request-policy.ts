/**
 * Who may talk to `actuate serve`: the checks every HTTP request and WebSocket upgrade passes before
 * anything else is read (docs/security.md explains the threats). Pure functions and one small class,
 * so each rule is tested on its own.
 *
 *  - Host: the bound address or a loopback name, with the server's port. A DNS-rebinding page reaches
 *    the server under its own name (Host: evil.example:8787) and is refused. A wildcard bind (0.0.0.0)
 *    is reachable under any name; it requires a token, which a rebinding page does not have.
 *  - Origin: a browser always sends it on a WebSocket; only the studio's own origin (the Host it asked
 *    for, over http) is accepted. A client without one is not a browser page, and must present the token.
 *  - Token: from the HttpOnly cookie the server sets when the printed URL is opened, or an
 *    `Authorization: Bearer` header (scripts). Never from the WebSocket's URL, which servers and
 *    proxies log. Failed attempts back off per client address.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The bound host as it appears in a URL or a Host header (IPv6 in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Whether a request's Host header names this server: the bound address or a loopback name, with its port. */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(hostHeader.trim());
  if (!m || Number(m[2]) !== port) return false;
  const name = m[1]!.toLowerCase();
  if (WILDCARD_HOSTS.has(boundHost)) return true;
  return name === urlHost(boundHost).toLowerCase() || isLoopback(name);
}

/** Whether a browser's Origin is the studio's own: the page was loaded from the Host it is now talking to. */
export function originAllowed(origin: string, hostHeader: string): boolean {
  return origin.toLowerCase() === `http://${hostHeader.trim().toLowerCase()}`;
}

/** Name of the cookie holding the token; per port, since browsers share cookies across a host's ports. */
export function tokenCookieName(port: number): string {
  return `actuate-token-${port}`;
}

/** The token a request presents: the Bearer header, else the studio's cookie. */
export function presentedToken(req: IncomingMessage, port: number): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const name = tokenCookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Constant-time comparison (of equal-length strings; a length mismatch answers at once). */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Back-off for failed token attempts, per client address: the first few failures are free (typos),
 * then each further one doubles the wait before the next attempt is even checked (up to a minute).
 */
export class AuthThrottle {
  private readonly clients = new Map<string, { failures: number; until: number }>();

  constructor(
    private readonly freeFailures = 5,
    private readonly baseDelayMs = 1000,
    private readonly maxDelayMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `address` may try again (0: now). */
  waitMs(address: string): number {
    const entry = this.clients.get(address);
    return entry ? Math.max(0, entry.until - this.now()) : 0;
  }

  failed(address: string): void {
    const entry = this.clients.get(address) ?? { failures: 0, until: 0 };
    entry.failures++;
    const over = entry.failures - this.freeFailures;
    if (over > 0) entry.until = this.now() + Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (over - 1));
    // Bounded memory: a flood from many addresses forgets the oldest.
    if (!this.clients.has(address) && this.clients.size >= 10_000) this.clients.delete(this.clients.keys().next().value!);
    this.clients.set(address, entry);
  }

  succeeded(address: string): void {
    this.clients.delete(address);
  }
}
