/** Test support: an engine served by the real `startServer`, and clients that connect as the studio page does (Origin + cookie). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EngineHost, type HostOptions } from '../../../engine/host.ts';
import { startServer, type RunningServer } from '../../../engine/http-server.ts';
import { fromWebSocket, type WebSocketLike } from '../../../protocol/port.ts';
import { createClient, type Client } from '../../../protocol/rpc.ts';

export const TOKEN = 'integration-token';

export interface Served {
  engine: EngineHost;
  server: RunningServer;
  close(): Promise<void>;
}

export async function serveEngine(options: HostOptions): Promise<Served> {
  const staticDir = mkdtempSync(join(tmpdir(), 'actuate-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Actuate</title>');
  const engine = await EngineHost.create(options);
  const server = await startServer(engine, { host: '127.0.0.1', port: 0, staticDir, token: TOKEN });
  return {
    engine,
    server,
    async close() {
      await server.close();
      await engine.dispose();
    },
  };
}

/** A raw WebSocket signed in as the studio page is (its own Origin, the token's cookie). */
export function openSocket(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: `http://127.0.0.1:${port}`, headers: { cookie: `actuate-token-${port}=${TOKEN}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export async function openClient(port: number): Promise<{ client: Client; ws: WebSocket; frames: number[] }> {
  const ws = await openSocket(port);
  const client = createClient(fromWebSocket(ws as unknown as WebSocketLike));
  const frames: number[] = [];
  client.on('frame', () => void frames.push(performance.now()));
  return { client, ws, frames };
}

/** Frames per second received in [from, to] (performance.now() times). */
export function rate(frames: readonly number[], from: number, to: number): number {
  return frames.filter((t) => t >= from && t <= to).length / ((to - from) / 1000);
}

/** The longest time in [from, to] without a frame, counting the window's edges (milliseconds). */
export function longestFrameGap(frames: readonly number[], from: number, to: number): number {
  const times = [from, ...frames.filter((t) => t > from && t < to), to];
  return Math.max(...times.slice(1).map((t, i) => t - times[i]!));
}
