/**
 * Site sensors as MuJoCo defines them, read from the scene state both engines produce (per body:
 * origin, rotation, centre-of-mass velocity, angular velocity, world frame), so one reader serves a
 * Rapier and a MuJoCo robot alike:
 *  - gyro: angular velocity, site frame (rad/s);
 *  - velocimeter: the site's linear velocity, site frame (m/s);
 *  - accelerometer: the site's linear acceleration minus gravity, site frame (m/s²): +g up at rest, 0 in
 *    free fall. From the change of the site's velocity over the last physics step (`beforeStep`);
 *  - framequat: the site's orientation in the world, (w, x, y, z) as MuJoCo writes it;
 *  - framexaxis / frameyaxis / framezaxis: the site's axes in the world; framepos: its position;
 *  - touch: the normal force of the contacts within the site's zone (N). MuJoCo counts contacts inside
 *    the site's volume on the site's body; here a sphere of the site's largest size, any body.
 */
import { bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, multiply, rotate, rotateInverse } from '../kinematics.ts';
import type { SceneDescription, SensorDesc, SiteSensorType, Vec3 } from '../scene.ts';
import { CONTACT_SIZE } from '../../protocol/contacts.ts';

export const SITE_SENSOR_SIZE: Record<SiteSensorType, number> = {
  gyro: 3,
  accelerometer: 3,
  velocimeter: 3,
  framequat: 4,
  framexaxis: 3,
  frameyaxis: 3,
  framezaxis: 3,
  framepos: 3,
  touch: 1,
};

export function isSiteSensorType(type: string): type is SiteSensorType {
  return type in SITE_SENSOR_SIZE;
}

export class SiteSensors {
  /** The latest reading of every sensor, by name. */
  readonly values: Record<string, Float64Array> = {};
  private readonly sensors: SensorDesc[];
  /** Body centres of mass in the body frame (the state's velocity is the centre of mass's). */
  private readonly com: Vec3[];
  /** Each accelerometer's site velocity (world) before the last step. */
  private readonly before = new Map<string, Vec3>();
  readonly needsAcceleration: boolean;

  constructor(private readonly scene: SceneDescription) {
    this.sensors = scene.sensors ?? [];
    this.com = scene.bodies.map((b) => b.inertial?.com ?? [0, 0, 0]);
    for (const s of this.sensors) this.values[s.name] = new Float64Array(SITE_SENSOR_SIZE[s.type]);
    this.needsAcceleration = this.sensors.some((s) => s.type === 'accelerometer');
  }

  get count(): number {
    return this.sensors.length;
  }

  /** Remembers the accelerometers' site velocities in the state before a step. */
  beforeStep(state: ArrayLike<number>): void {
    for (const s of this.sensors) if (s.type === 'accelerometer') this.before.set(s.name, this.siteVelocity(state, s));
  }

  /** Reads every sensor in `state`, reached by a step of `dt` from the one given to `beforeStep`, with that step's contacts. */
  update(state: ArrayLike<number>, dt: number, contacts?: Float32Array): Record<string, Float64Array> {
    for (const s of this.sensors) {
      const out = this.values[s.name]!;
      const q = multiply(bodyRotation(state, s.body), s.pose.rotation);
      switch (s.type) {
        case 'gyro':
          out.set(rotateInverse(q, bodyAngularVelocity(state, s.body)));
          break;
        case 'velocimeter':
          out.set(rotateInverse(q, this.siteVelocity(state, s)));
          break;
        case 'accelerometer': {
          const v = this.siteVelocity(state, s);
          const v0 = this.before.get(s.name) ?? v;
          const g = this.scene.gravity;
          out.set(rotateInverse(q, [0, 1, 2].map((k) => (v[k]! - v0[k]!) / dt - g[k]!)));
          break;
        }
        case 'framequat':
          out.set([q[3], q[0], q[1], q[2]]);
          break;
        case 'framexaxis':
          out.set(rotate(q, [1, 0, 0]));
          break;
        case 'frameyaxis':
          out.set(rotate(q, [0, 1, 0]));
          break;
        case 'framezaxis':
          out.set(rotate(q, [0, 0, 1]));
          break;
        case 'framepos':
          out.set(this.sitePosition(state, s));
          break;
        case 'touch':
          out[0] = contacts ? touchForce(contacts, this.sitePosition(state, s), s.radius ?? 0) : 0;
          break;
      }
    }
    return this.values;
  }

  private sitePosition(state: ArrayLike<number>, s: SensorDesc): Vec3 {
    const p = bodyPosition(state, s.body);
    const r = rotate(bodyRotation(state, s.body), s.pose.position);
    return [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
  }

  /** v_com + ω × (site − com), world frame. */
  private siteVelocity(state: ArrayLike<number>, s: SensorDesc): Vec3 {
    const q = bodyRotation(state, s.body);
    const v = bodyLinearVelocity(state, s.body);
    const w = bodyAngularVelocity(state, s.body);
    const c = this.com[s.body]!;
    const r = rotate(q, [s.pose.position[0] - c[0], s.pose.position[1] - c[1], s.pose.position[2] - c[2]]);
    return [v[0] + w[1] * r[2] - w[2] * r[1], v[1] + w[2] * r[0] - w[0] * r[2], v[2] + w[0] * r[1] - w[1] * r[0]];
  }
}

function touchForce(contacts: Float32Array, at: Vec3, radius: number): number {
  let force = 0;
  for (let o = 0; o + CONTACT_SIZE <= contacts.length; o += CONTACT_SIZE) {
    if (Math.hypot(contacts[o]! - at[0], contacts[o + 1]! - at[1], contacts[o + 2]! - at[2]) <= radius) force += contacts[o + 6]!;
  }
  return force;
}
