/**
 * Edits from clients (task, controller and parameter changes), one at a time, with the ones a newer
 * edit makes pointless dropped before they run. Switching a task or a controller takes a second or
 * more (planner threads, model sessions); ten quick clicks must not queue ten switches. An edit
 * waiting to run is superseded by a newer one that would undo it:
 *
 *   - a task change (or opening a robot) drops waiting task changes and parameter edits, which the
 *     new task resets anyway; opening a robot also drops waiting controller changes (it picks `jog`);
 *   - a controller change drops waiting controller changes and controller-parameter edits;
 *   - a parameter edit joins the last waiting edit when that one edits the same scope (values merge,
 *     the later value of a key wins).
 *
 * A superseded caller is answered when the edit that replaced it has run, with the state then. The
 * edit running is never interrupted: it lands between physics steps, as every edit does.
 */
import type { SessionSnapshot } from '../protocol/api.ts';

export type EditKind = 'task' | 'robot' | 'controller' | 'params' | 'engine' | 'ghost';

interface Waiter {
  resolve: (snapshot: SessionSnapshot) => void;
  reject: (err: Error) => void;
  /** false: answered with the state after the edit that superseded this caller's own. */
  own: boolean;
}

interface Edit {
  kind: EditKind;
  scope?: string;
  values?: Record<string, unknown>;
  apply: (values?: Record<string, unknown>) => Promise<SessionSnapshot>;
  waiters: Waiter[];
}

const DROPS: Record<EditKind, (e: Edit) => boolean> = {
  task: (e) => e.kind === 'task' || e.kind === 'params',
  robot: () => true,
  controller: (e) => e.kind === 'controller' || (e.kind === 'params' && e.scope === 'controller'),
  params: () => false,
  engine: (e) => e.kind === 'engine',
  ghost: (e) => e.kind === 'ghost',
};

export class EditCoalescer {
  private readonly waiting: Edit[] = [];
  private running = false;
  /** Edits that never ran because a newer one made them pointless (for tests and telemetry). */
  superseded = 0;

  constructor(private readonly current: () => SessionSnapshot) {}

  submit(kind: EditKind, apply: Edit['apply'], scope?: string, values?: Record<string, unknown>): Promise<SessionSnapshot> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, own: true };
      const last = this.waiting.at(-1);
      if (kind === 'params' && last?.kind === 'params' && last.scope === scope) {
        last.values = { ...last.values, ...values };
        last.waiters.push(waiter);
        return;
      }
      const edit: Edit = { kind, apply, waiters: [waiter], ...(scope ? { scope } : {}), ...(values ? { values } : {}) };
      for (let i = this.waiting.length - 1; i >= 0; i--) {
        const old = this.waiting[i]!;
        if (!DROPS[kind](old)) continue;
        this.waiting.splice(i, 1);
        this.superseded += old.waiters.filter((w) => w.own).length;
        edit.waiters.unshift(...old.waiters.map((w) => ({ ...w, own: false })));
      }
      this.waiting.push(edit);
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let edit = this.waiting.shift(); edit; edit = this.waiting.shift()) {
        try {
          const snapshot = await edit.apply(edit.values);
          for (const w of edit.waiters) w.resolve(w.own ? snapshot : this.current());
        } catch (err) {
          for (const w of edit.waiters) {
            if (w.own) w.reject(err as Error);
            else w.resolve(this.current());
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
