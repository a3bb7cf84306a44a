import { describe, expect, it } from 'vitest';
import { BODY_STATE_SIZE } from '../../sim/scene.ts';
import { Random } from '../../sim/random.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { buildTask } from '../../train/env/task-build.ts';
import { replicateScene, replicateStates } from './vec-env-layout.ts';

describe('the one-world layout of the vec-env benchmark', () => {
  it('steps every Go2 copy as its own world steps it: they share the ground and never touch each other', async () => {
    const R = await loadRapier();
    const { task } = buildTask('go2-walk');
    const states = [0, 1, 2].map((i) => task.reset(new Random(i)));
    const hold = task.holdAction!(states[0]!);
    const own = task.scene.bodies.flatMap((b, i) => (b.kind === 'fixed' ? [] : [i]));
    const fixed = task.scene.bodies.length - own.length;
    // Copies 0.3 m apart: their legs would overlap if the copies collided.
    const spacing = 0.3;
    const shared = new PhysicsWorld(R, replicateScene(task.scene, states.length, spacing));
    shared.setState(replicateStates(task.scene, states, spacing));
    const alone = states.map((s) => {
      const w = new PhysicsWorld(R, task.scene);
      w.setState(s);
      return w;
    });
    const holds = new Float64Array(hold.length * states.length);
    states.forEach((_, i) => holds.set(hold, i * hold.length));
    for (let k = 0; k < 250; k++) {
      shared.step(holds);
      alone.forEach((w) => w.step(hold));
    }
    const all = shared.getState();
    alone.forEach((w, copy) => {
      const base = w.getState().subarray(own[0]! * BODY_STATE_SIZE);
      const twin = all.subarray((fixed + copy * own.length) * BODY_STATE_SIZE);
      // Within 2 cm after 0.5 s (the solver orders its work differently in a bigger world: ≈ 6 mm apart).
      const gap = Math.hypot(twin[0]! - spacing * copy - base[0]!, twin[1]! - base[1]!, twin[2]! - base[2]!);
      expect(gap).toBeLessThan(0.02);
      // Standing, not fallen over or knocked aside.
      expect(base[2]).toBeGreaterThan(0.2);
      w.dispose();
    });
    shared.dispose();
  });
});
