import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModelCard, parseModelCard, type PolicySpec } from './model-card.ts';
import { ObservationBuilder, jointIndexMap, mapAction, pdTorque, projectedGravity, type RobotQuantities } from './observation-layout.ts';
import { float32Tensor, loadModel } from './runtime.ts';

const CARD = fileURLToPath(new URL('./cards/go2w_robot_lab.card.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./go2w_robot_lab/golden_io.json', import.meta.url));

const { card, modelPath } = loadModelCard(CARD);
const policy = card.policy!;
const J = policy.joints;
const DEFAULT = [0, 0.5, -1.5, 0, 0.5, -1.5, 0, 0.8, -1.5, 0, 0.8, -1.5, 0, 0, 0, 0];

/** A known state: every quantity distinct so a misplaced term shows. */
function knownState(): RobotQuantities {
  // Base rolled by 30° about x: q = (cos 15°, sin 15°, 0, 0).
  const h = (30 * Math.PI) / 180 / 2;
  return {
    baseLinVel: [1, 2, 3],
    baseAngVel: [0.4, -0.8, 1.2],
    projectedGravity: projectedGravity(Math.cos(h), Math.sin(h), 0, 0),
    command: [0.5, -0.1, 0.2],
    jointPos: Object.fromEntries(J.map((j, i) => [j, DEFAULT[i]! + 0.01 * (i + 1) + (i >= 12 ? 3 : 0)])),
    jointVel: Object.fromEntries(J.map((j, i) => [j, 0.1 * (i + 1)])),
    lastAction: Array.from({ length: 16 }, (_, i) => -0.05 * i),
  };
}

describe('observation layout (Go2-W card, term by term)', () => {
  it('builds the 57-vector as POLICY.md lays it out', () => {
    const obs = new ObservationBuilder(policy).build(knownState());
    expect(obs.length).toBe(57);
    const at = (i: number) => obs[i]!;
    // 0-2 ang_vel × 0.25
    [0.1, -0.2, 0.3].forEach((v, i) => expect(at(i)).toBeCloseTo(v, 6));
    // 3-5 projected gravity of a 30° roll: R_x(30°)ᵀ·[0,0,−1] = [0, −sin 30°, −cos 30°]
    [0, -0.5, -Math.cos(Math.PI / 6)].forEach((v, i) => expect(at(3 + i)).toBeCloseTo(v, 6));
    // 6-8 commands × 1
    [0.5, -0.1, 0.2].forEach((v, i) => expect(at(6 + i)).toBeCloseTo(v, 6));
    // 9-24 dof_pos − default; wheels (12-15 of the joint list) forced to 0
    for (let i = 0; i < 16; i++) expect(at(9 + i)).toBeCloseTo(i >= 12 ? 0 : 0.01 * (i + 1), 6);
    // 25-40 dof_vel × 0.05
    for (let i = 0; i < 16; i++) expect(at(25 + i)).toBeCloseTo(0.1 * (i + 1) * 0.05, 6);
    // 41-56 previous action
    for (let i = 0; i < 16; i++) expect(at(41 + i)).toBeCloseTo(-0.05 * i, 6);
  });

  it('rebuilds the golden inputs from robot states and the model gives the golden actions', async () => {
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { cases: { name: string; obs: number[]; action: number[] }[] };
    const model = await loadModel(modelPath!);
    for (const [name, command] of [['standing_default_pose_cmd_zero', [0, 0, 0]], ['standing_default_pose_cmd_vx_0.5', [0.5, 0, 0]]] as const) {
      const c = golden.cases.find((x) => x.name === name)!;
      const state: RobotQuantities = {
        baseAngVel: [0, 0, 0],
        projectedGravity: projectedGravity(1, 0, 0, 0),
        command,
        jointPos: Object.fromEntries(J.map((j, i) => [j, DEFAULT[i]!])),
        jointVel: Object.fromEntries(J.map((j) => [j, 0])),
      };
      const obs = new ObservationBuilder(policy).build(state);
      expect(Array.from(obs)).toEqual(c.obs.map((v) => Math.fround(v)));
      const action = (await model.run({ obs: float32Tensor(obs, [1, 57]) })).actions!.data as Float32Array;
      c.action.forEach((a, i) => expect(Math.abs(action[i]! - a)).toBeLessThan(1e-5));
    }
    await model.dispose();
  });

  it('clips terms and the whole vector, and keeps history in term or time order', () => {
    const p: PolicySpec = {
      ...policy,
      joints: ['a', 'b'],
      defaultPose: [0, 0],
      observation: {
        terms: [
          { name: 'base_ang_vel', size: 3, scale: 1, history: 2, clip: [-1, 1] },
          { name: 'joint_pos', size: 2, scale: 10, history: 1 },
        ],
        clip: 5,
        historyOrder: 'term',
      },
    };
    const b = new ObservationBuilder(p);
    expect(b.size).toBe(8);
    const s = (w: number, pos: number): RobotQuantities => ({ baseAngVel: [w, -w, 0.5], jointPos: { a: pos, b: -pos } });
    // First frame fills the history; ang vel clipped to ±1 by the term, joint_pos 10× then ±5 by the vector.
    expect(Array.from(b.build(s(3, 1)))).toEqual([1, -1, 0.5, 1, -1, 0.5, 5, -5]);
    expect(Array.from(b.build(s(0.25, 0.1)))).toEqual([1, -1, 0.5, 0.25, -0.25, 0.5, 1, -1]);
    const t = new ObservationBuilder({ ...p, observation: { ...p.observation, historyOrder: 'time' } });
    t.build(s(3, 1));
    // Newest frame first: [ang(t), pos(t)], then [ang(t−1)].
    expect(Array.from(t.build(s(0.25, 0.1)))).toEqual([0.25, -0.25, 0.5, 1, -1, 1, -1, 0.5]);
    expect(() => b.build({ jointPos: { a: 0, b: 0 } })).toThrow("observation term 'base_ang_vel' needs the base angular velocity");
    expect(() => b.build({ baseAngVel: [0, 0, 0], jointPos: { a: 0 } })).toThrow("no joint position for joint 'b'");
  });
});

describe('action mapping (Go2-W card)', () => {
  it('clips, scales, offsets legs to the default pose and drives wheels by velocity', () => {
    const raw = Array.from({ length: 16 }, (_, i) => (i === 0 ? 500 : 0.1 * (i + 1)));
    const cmd = mapAction(policy, raw);
    const scale = [0.125, 0.25, 0.25, 0.125, 0.25, 0.25, 0.125, 0.25, 0.25, 0.125, 0.25, 0.25];
    expect(cmd.position[0]).toBeCloseTo(100 * 0.125 + 0, 9); // clipped at 100
    for (let i = 1; i < 12; i++) expect(cmd.position[i]).toBeCloseTo(raw[i]! * scale[i]! + DEFAULT[i]!, 9);
    for (let i = 12; i < 16; i++) {
      expect(cmd.type[i]).toBe('velocity');
      expect(cmd.velocity[i]).toBeCloseTo(raw[i]! * 5, 9);
      expect(cmd.position[i]).toBe(0);
    }
    expect(Array.from(cmd.stiffness)).toEqual([...new Array(12).fill(20), 0, 0, 0, 0]);
    // PD: legs kp(q*−q) − kd·dq; wheels kd(v*−dq); clamped to ±23.5.
    const q = new Float64Array(16);
    const dq = new Float64Array(16).fill(1);
    const tau = pdTorque(policy, cmd, q, dq);
    expect(tau[0]).toBe(23.5);
    expect(tau[1]).toBeCloseTo(20 * cmd.position[1]! - 0.5, 9);
    expect(tau[12]).toBeCloseTo(0.5 * (cmd.velocity[12]! - 1), 9);
  });

  it('maps card joints onto robot joints by name and names the missing ones', () => {
    const robot = [...J].reverse();
    const map = jointIndexMap(J, robot);
    expect(map[0]).toBe(15);
    expect(map[15]).toBe(0);
    expect(() => jointIndexMap(J, robot.slice(0, 14))).toThrow("the card's joints 'FR_hip_joint', 'FR_thigh_joint' not found on the robot; robot joints: RL_foot_joint");
  });

  it("reads a robot's site sensors by name (a card trained on MuJoCo's gyro), and names the sensor a robot lacks", () => {
    const raw = JSON.parse(readFileSync(CARD, 'utf8'));
    raw.policy.observation.terms[0] = { name: 'sensor', key: 'imu_gyro', size: 3, scale: 0.25 };
    const sensorPolicy = parseModelCard(raw).policy!;
    const obs = new ObservationBuilder(sensorPolicy).build({ ...knownState(), sensors: { imu_gyro: [4, -8, 12] } });
    expect(Array.from(obs.slice(0, 3))).toEqual([1, -2, 3]);
    expect(() => new ObservationBuilder(sensorPolicy).build({ ...knownState(), sensors: { gyro: [0, 0, 0] } })).toThrow("observation term 'sensor' needs the robot's sensor 'imu_gyro' (it has 'gyro')");
    delete raw.policy.observation.terms[0].key;
    expect(() => parseModelCard(raw)).toThrow("policy.observation.terms[0] (sensor).key: required for a sensor term (the sensor's name)");
  });

  it('refuses an output of the wrong length', () => {
    expect(() => mapAction(policy, [1, 2, 3])).toThrow('policy output has 3 values, the card lists 16 joints');
    expect(() => parseModelCard({ ...card, policy: { ...policy, joints: J.slice(0, 15) } }, 'x.card.json')).toThrow('x.card.json: policy.defaultPose: 16 values, the card has 15 joints');
  });
});
