/**
 * Torque off when the process ends: SIGINT and SIGTERM run every registered robot's stop (bounded
 * in time) before exiting; the 'exit' event, where only synchronous I/O is left, writes each bus's
 * torque-off packet straight to the port's file descriptor. SIGKILL runs none of this — there only
 * the servos' own Bus Watchdog (Dynamixel X) helps; see docs/real-robots.md.
 */
export interface Guarded {
  /** Async stop: torque off and release. */
  stop(reason: string): Promise<void>;
  /** Last-moment synchronous torque-off write; false when not possible. */
  stopSync(): boolean;
}

const guarded = new Set<Guarded>();
let installed = false;
const STOP_BUDGET_MS = 500;

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  const stops = [...guarded].map((g) => g.stop(`${signal} received`).catch(() => undefined));
  await Promise.race([Promise.all(stops), new Promise((r) => setTimeout(r, STOP_BUDGET_MS))]);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function onExit(): void {
  for (const g of guarded) g.stopSync();
}

export function guard(g: Guarded): () => void {
  guarded.add(g);
  if (!installed) {
    installed = true;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.on('exit', onExit);
  }
  return () => {
    guarded.delete(g);
    if (guarded.size === 0 && installed) {
      installed = false;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    }
  };
}
