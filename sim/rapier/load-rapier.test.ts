import { describe, expect, it, vi } from 'vitest';
import { loadRapier } from './load-rapier.ts';
import { PhysicsWorld } from './physics-world.ts';
import { defaults } from '../params.ts';
import { pushBox, pushBoxScene } from '../tasks/push-box.ts';

describe('loadRapier', () => {
  it("leaves Rapier's step no clock to read, and everyone else the real one", async () => {
    const R = await loadRapier();
    const world = new PhysicsWorld(R, pushBoxScene(defaults(pushBox.params)));
    const now = vi.spyOn(performance, 'now');
    try {
      for (let i = 0; i < 50; i++) world.step([0.5, 0.5]);
      expect(now).not.toHaveBeenCalled();
      const t = performance.now();
      expect(t).toBeGreaterThan(0);
      expect(now).toHaveBeenCalledTimes(1);
    } finally {
      now.mockRestore();
      world.dispose();
    }
    expect(typeof globalThis.performance.mark).toBe('function');
  });
});
