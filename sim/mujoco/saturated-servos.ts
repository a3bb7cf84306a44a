/**
 * Force-limited servos under MuJoCo's implicit integrators, as the scene defines them.
 *
 * A position servo pushes with kp·(ctrl − q) − kv·q̇ clamped to ±forceLimit (protocol/scene.ts). MuJoCo's
 * `implicit` and `implicitfast` integrate the servo's −kv·q̇ implicitly: they add dt·kv to the joint's
 * inertia for the step. MuJoCo 3.3.8 (mujoco-js 0.0.7) does so even when the force is clamped, so a
 * saturated servo accelerates its joint as if the joint were dt·kv heavier — measured on one hinge (kv 2.731,
 * 0.03 kg·m², 5 ms): 0.69 of forceLimit / inertia, where Rapier and an explicit integrator give 1.00. Later
 * MuJoCo releases skip the derivative of a clamped actuator (`mjd_actuator_vel`); this does the same
 * here: before each step, a servo whose force would be clamped becomes a constant force of ±forceLimit
 * (no velocity term, so nothing for the integrator to take implicitly), and its gains come back when it
 * leaves saturation. Unsaturated steps are MuJoCo's own.
 */
import type { ActuatorDesc } from '../scene.ts';

/** mjtIntegrator values whose step takes actuator damping implicitly. */
const IMPLICIT = 2;
const IMPLICIT_FAST = 3;
/** Floats per actuator in actuator_gainprm / actuator_biasprm (mjNGAIN, mjNBIAS). */
const PRM = 10;

interface Servo {
  /** MuJoCo actuator id. */
  u: number;
  velocity: boolean;
  kp: number;
  kv: number;
  limit: number;
  lo: number;
  hi: number;
  qpos: number;
  dof: number;
  /** −1, 0 or +1: the constant force written for the present step's saturation (0: the servo's own gains). */
  written: number;
}

export class SaturatedServos {
  private readonly servos: Servo[];

  /** `qposOf`/`dofOf`: the MuJoCo qpos and dof address of each scene joint. */
  constructor(actuators: readonly ActuatorDesc[], actuatorId: Int32Array, qposOf: Int32Array, dofOf: Int32Array, integrator: number) {
    const implicit = integrator === IMPLICIT || integrator === IMPLICIT_FAST;
    this.servos = !implicit
      ? []
      : actuators.flatMap((a, i): Servo[] => {
          const kind = a.kind ?? 'motor';
          const limit = a.forceLimit;
          if (kind === 'motor' || limit === undefined || !Number.isFinite(limit) || !(a.kv ?? 0) || qposOf[a.joint]! < 0) return [];
          const [lo, hi] = a.ctrlRange;
          return [{ u: actuatorId[i]!, velocity: kind === 'velocity', kp: a.kp ?? 0, kv: a.kv ?? 0, limit, lo, hi, qpos: qposOf[a.joint]!, dof: dofOf[a.joint]!, written: 0 }];
        });
  }

  /** Whether any servo needs watching (a force-limited servo with damping, under an implicit integrator). */
  get active(): boolean {
    return this.servos.length > 0;
  }

  /**
   * Before a step: each servo's force from the present ctrl, qpos and qvel (MuJoCo's actuator length and
   * velocity for a joint transmission with gear 1, as servos are written), and the actuator set to a
   * constant ±forceLimit while that force is clamped.
   */
  update(ctrl: Float64Array, qpos: Float64Array, qvel: Float64Array, gain: Float64Array, bias: Float64Array): void {
    for (const s of this.servos) {
      const c = Math.min(s.hi, Math.max(s.lo, ctrl[s.u]!));
      const force = s.velocity ? s.kv * (c - qvel[s.dof]!) : s.kp * (c - qpos[s.qpos]!) - s.kv * qvel[s.dof]!;
      const saturated = force >= s.limit ? 1 : force <= -s.limit ? -1 : 0;
      if (saturated === s.written) continue;
      s.written = saturated;
      const g = s.u * PRM;
      if (saturated) {
        gain[g] = 0;
        bias[g] = saturated * s.limit;
        bias[g + 1] = 0;
        bias[g + 2] = 0;
      } else {
        gain[g] = s.velocity ? s.kv : s.kp;
        bias[g] = 0;
        bias[g + 1] = s.velocity ? 0 : -s.kp;
        bias[g + 2] = -s.kv;
      }
    }
  }
}
