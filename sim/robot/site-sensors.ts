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
 *  - touch: the sum of the normal forces of the contacts on the site's body in the site's volume (N),
 *    as MuJoCo's mj_sensorAcc counts them: a contact counts when the ray from its point along its normal,
 *    away from the site's body, meets the site's shape (always so when the point is inside it).
 */
import { bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, multiply, rotate, rotateInverse } from '../kinematics.ts';
import type { Quat, SceneDescription, SensorDesc, SiteSensorType, Vec3 } from '../scene.ts';
import { rayEntry } from './shape-rays.ts';
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
  /** Each touch sensor's test of a contact ray against its site's volume. */
  private readonly zones = new Map<string, ZoneTest>();
  readonly needsAcceleration: boolean;

  constructor(private readonly scene: SceneDescription) {
    this.sensors = scene.sensors ?? [];
    this.com = scene.bodies.map((b) => b.inertial?.com ?? [0, 0, 0]);
    for (const s of this.sensors) this.values[s.name] = new Float64Array(SITE_SENSOR_SIZE[s.type]);
    this.needsAcceleration = this.sensors.some((s) => s.type === 'accelerometer');
    for (const s of this.sensors) if (s.type === 'touch' && s.zone) this.zones.set(s.name, zoneTest(s.zone));
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
          out[0] = contacts ? touchForce(contacts, s.body, this.zones.get(s.name), this.sitePosition(state, s), q) : 0;
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

/** Whether a ray in the site frame meets the site's volume. */
type ZoneTest = (origin: Vec3, direction: Vec3) => boolean;

function touchForce(contacts: Float32Array, body: number, zone: ZoneTest | undefined, at: Vec3, rotation: Quat): number {
  let force = 0;
  for (let o = 0; o + CONTACT_SIZE <= contacts.length; o += CONTACT_SIZE) {
    const [first, second] = [contacts[o + 7], contacts[o + 8]];
    const f = contacts[o + 6]!;
    if (!zone || f <= 0 || (first !== body && second !== body)) continue;
    // The normal is the force on the second body: away from the first. Cast away from the site's body.
    const sign = second === body ? -1 : 1;
    const origin = rotateInverse(rotation, [contacts[o]! - at[0], contacts[o + 1]! - at[1], contacts[o + 2]! - at[2]]);
    const direction = rotateInverse(rotation, [sign * contacts[o + 3]!, sign * contacts[o + 4]!, sign * contacts[o + 5]!]);
    if (zone(origin, direction)) force += f;
  }
  return force;
}

/** The ray test of a site's volume (axis along z, MuJoCo's sizes). */
function zoneTest({ shape, size }: NonNullable<SensorDesc['zone']>): ZoneTest {
  const r = size[0] ?? 0;
  // Scene capsules and cylinders run along y: swap the site's z and y (both shapes are symmetric).
  const alongY = (v: Vec3): Vec3 => [v[0], v[2], v[1]];
  switch (shape) {
    case 'sphere':
      return (o, d) => rayEntry({ type: 'sphere', radius: r }, o, d) !== undefined;
    case 'box':
      return (o, d) => rayEntry({ type: 'box', halfExtents: [r, size[1] ?? r, size[2] ?? r] }, o, d) !== undefined;
    case 'capsule':
    case 'cylinder':
      return (o, d) => rayEntry({ type: shape, radius: r, halfHeight: size[1] ?? r }, alongY(o), alongY(d)) !== undefined;
    case 'ellipsoid': {
      // An ellipsoid is the unit sphere scaled by its radii: scale the ray back (a hit stays a hit).
      const radii: Vec3 = [r, size[1] ?? r, size[2] ?? r];
      return (o, d) => {
        const scaled: Vec3 = [d[0] / radii[0], d[1] / radii[1], d[2] / radii[2]];
        const n = Math.hypot(...scaled);
        return rayEntry({ type: 'sphere', radius: 1 }, [o[0] / radii[0], o[1] / radii[1], o[2] / radii[2]], [scaled[0] / n, scaled[1] / n, scaled[2] / n]) !== undefined;
      };
    }
  }
}
