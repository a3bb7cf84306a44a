/**
 * Fuzzing `actuate serve` over real WebSockets: thousands of random, truncated, invalid-UTF-8, deeply
 * nested and oversized frames, prototype-named methods, NaN/∞/huge numbers in every command's
 * parameters, and 10 clients editing at once. The server must stay up, answer every frame that does
 * not close its own connection with an error (with the call id when the frame has a readable one),
 * keep stepping for a well-behaved client, and keep its memory bounded. Figures go to docs/security.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { commandSchemas } from '../../protocol/api.ts';
import { MAX_FRAME_BYTES } from '../../engine/http-server.ts';
import { openClient, openSocket, serveEngine, type Served } from './support/studio-client.ts';

let served: Served;
beforeAll(async () => {
  served = await serveEngine({ taskId: 'cartpole-swingup', controllerId: 'zero' });
}, 60_000);
afterAll(async () => served?.close());

/** Small deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Frame = { kind: string; data: string | Buffer; id?: number };

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'toLocaleString'];
/** Hostile values, written as JSON text: 1e999 parses to Infinity. */
const HOSTILE = ['1e999', '-1e999', '1e308', '-1e308', '-0', '0.5', '9007199254740993', 'null', 'true', '"NaN"', '"Infinity"', '"x"', '[]', '{}', `"${'a'.repeat(5000)}"`, '{"__proto__":{"polluted":1}}'];
const KEYS = ['id', 'params', 'count', 'seed', 'speed', 'scope', 'values', 'contacts', 'file', 'path', 'card', '__proto__', 'constructor'];
const PATHS = ['"/dev/zero"', '"/dev/zero.urdf"', '"/proc/self/mem.onnx"', '"/etc/passwd"', '"../../../../etc/shadow.json"', '"\\u0000.urdf"', '"robot:/dev/zero"'];

function randomJson(r: () => number, depth = 0): string {
  const pick = r();
  if (depth > 4 || pick < 0.3) return HOSTILE[Math.floor(r() * HOSTILE.length)]!;
  if (pick < 0.6) return `[${Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1)).join(',')}]`;
  return `{${Array.from({ length: Math.floor(r() * 4) }, () => `"${KEYS[Math.floor(r() * KEYS.length)]}":${r() < 0.2 ? PATHS[Math.floor(r() * PATHS.length)] : randomJson(r, depth + 1)}`).join(',')}}`;
}

function makeFrame(r: () => number, id: number): Frame {
  const methods = Object.keys(commandSchemas);
  const call = (method: string, params: string) => `{"type":"call","id":${id},"method":${JSON.stringify(method)},"params":${params}}`;
  const k = r();
  if (k < 0.1) return { kind: 'random bytes', data: Buffer.from(Array.from({ length: 1 + Math.floor(r() * 200) }, () => Math.floor(r() * 256))) };
  if (k < 0.25) {
    const full = call(methods[Math.floor(r() * methods.length)]!, randomJson(r));
    return { kind: 'truncated', data: full.slice(0, 1 + Math.floor(r() * (full.length - 2))), id };
  }
  if (k < 0.35) return { kind: 'random JSON', data: randomJson(r) };
  if (k < 0.42) {
    const depth = 65 + Math.floor(r() * 20_000);
    return { kind: 'deeply nested', data: call('getSession', `${'['.repeat(depth)}${']'.repeat(depth)}`), id };
  }
  if (k < 0.44) return { kind: 'oversized', data: `{"type":"call","id":${id},"method":"getSession","params":"${'x'.repeat(MAX_FRAME_BYTES)}"}` };
  if (k < 0.54) return { kind: 'prototype method', data: call(PROTOTYPE_NAMES[Math.floor(r() * PROTOTYPE_NAMES.length)]!, '{}'), id };
  // Every real command with hostile parameters; pause/play stay out (they are real commands whose success would stop the watcher's clock).
  const method = methods.filter((m) => m !== 'pause' && m !== 'play')[Math.floor(r() * (methods.length - 2))]!;
  const params = `{${Array.from({ length: 1 + Math.floor(r() * 3) }, () => `"${KEYS[Math.floor(r() * KEYS.length)]}":${r() < 0.3 ? PATHS[Math.floor(r() * PATHS.length)] : HOSTILE[Math.floor(r() * HOSTILE.length)]}`).join(',')}}`;
  return { kind: 'hostile params', data: call(method, params), id };
}

/** Sends one frame and waits for its answer (a result or an error) or for the server to close the connection. */
function exchange(ws: WebSocket, frame: Frame): Promise<{ answer?: { type: string; id?: number; error?: { message: string } }; closed?: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within 10 s to a ${frame.kind} frame`)), 10_000);
    const done = (value: { answer?: { type: string; id?: number }; closed?: number }) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(value);
    };
    const onMessage = (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { type: string; id?: number };
      if (m.type === 'result' || m.type === 'error') done({ answer: m });
    };
    const onClose = (code: number) => done({ closed: code });
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(frame.data, { binary: false });
  });
}

describe('actuate serve under fuzzing', () => {
  it('stays up, answers every frame, keeps stepping for a well-behaved client, bounded memory', async () => {
    const port = served.server.port;
    const FRAMES = 3000;
    const SOCKETS = 4;
    const EDITORS = 10;
    const started = performance.now();
    const rss: number[] = [process.memoryUsage().rss];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 200);

    // The well-behaved client steps the simulation for as long as the fuzzing lasts.
    const good = await openClient(port);
    const steps: number[] = [];
    let fuzzing = true;
    const stepping = (async () => {
      while (fuzzing) {
        await good.client.call('step', { count: 1 });
        steps.push(performance.now());
      }
    })();

    // Ten clients editing at once: task, controller and cost-weight changes as fast as they are answered.
    const editLatencies: number[] = [];
    const editing = Array.from({ length: EDITORS }, async (_, e) => {
      const { client } = await openClient(port);
      const r = prng(1000 + e);
      for (let i = 0; i < 12; i++) {
        const t0 = performance.now();
        const pick = r();
        if (pick < 0.3) await client.call('setTask', { id: r() < 0.5 ? 'cartpole-swingup' : 'pendulum-swingup' });
        else if (pick < 0.6) await client.call('setController', { id: r() < 0.5 ? 'zero' : 'hold' });
        else {
          const snapshot = await client.call('getSession');
          const term = snapshot.task.costTerms[0]!;
          await client.call('setParams', { scope: 'cost', values: { [term.name]: term.range[0] + r() * (term.range[1] - term.range[0]) } });
        }
        editLatencies.push(performance.now() - t0);
      }
      client.close();
    });

    const counts: Record<string, number> = {};
    const closes: Record<string, number> = {};
    let answered = 0;
    let answersWithId = 0;
    let framesWithId = 0;
    const fuzzers = Array.from({ length: SOCKETS }, async (_, s) => {
      const r = prng(s + 1);
      let ws = await openSocket(port);
      for (let i = 0; i < FRAMES / SOCKETS; i++) {
        const id = s * 1_000_000 + i;
        const frame = makeFrame(r, id);
        counts[frame.kind] = (counts[frame.kind] ?? 0) + 1;
        const { answer, closed } = await exchange(ws, frame);
        if (closed !== undefined) {
          // Only invalid UTF-8 and oversized frames may close a connection, and only their own.
          expect(['random bytes', 'oversized'], `${frame.kind} closed the connection (${closed})`).toContain(frame.kind);
          closes[`${frame.kind} (${closed})`] = (closes[`${frame.kind} (${closed})`] ?? 0) + 1;
          ws = await openSocket(port);
          continue;
        }
        answered++;
        if (frame.kind !== 'hostile params' || answer!.type === 'error') expect(answer!.type, `${frame.kind}: ${String(frame.data).slice(0, 80)}`).toBe('error');
        if (frame.id !== undefined && answer!.id !== undefined) expect(answer!.id).toBe(frame.id);
        if (frame.kind !== 'truncated' && frame.id !== undefined) {
          framesWithId++;
          if (answer!.id === frame.id) answersWithId++;
        }
      }
      ws.close();
    });

    await Promise.all([...fuzzers, ...editing]);
    fuzzing = false;
    await stepping;
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;

    // Still up: a new client is served.
    const after = await openClient(port);
    expect((await after.client.call('listTasks')).length).toBeGreaterThan(3);
    after.client.close();
    good.client.close();

    const gaps = steps.slice(1).map((t, i) => t - steps[i]!);
    const sorted = [...editLatencies].sort((a, b) => a - b);
    const mb = (b: number) => Math.round(b / (1 << 20));
    console.log(
      JSON.stringify({
        seconds: Number(seconds.toFixed(1)),
        frames: counts,
        answered,
        closedConnections: closes,
        callIdsReturned: `${answersWithId}/${framesWithId}`,
        wellBehavedSteps: steps.length,
        longestStepGapMs: Math.round(Math.max(...gaps)),
        edits: { count: editLatencies.length, medianMs: Math.round(sorted[sorted.length >> 1]!), maxMs: Math.round(sorted.at(-1)!), superseded: served.engine.edits.superseded },
        rssMb: { start: mb(rss[0]!), max: mb(Math.max(...rss)), end: mb(rss.at(-1)!) },
      }),
    );
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(FRAMES);
    expect(answersWithId).toBe(framesWithId);
    expect(steps.length).toBeGreaterThan(50);
    expect(Math.max(...gaps)).toBeLessThan(5000);
    expect(editLatencies).toHaveLength(EDITORS * 12);
    expect(Math.max(...rss) - rss[0]!).toBeLessThan(512 << 20);
  }, 120_000);
});
