/**
 * Model cards: the JSON file beside each `.onnx` that says what the model eats and returns and, for
 * policies, how to build its observation from a robot and how to turn its output into joint commands.
 * Cards carry a schema version; `migrateCard` brings older cards to the current one.
 *
 * A card is validated as a whole (zod) and then across fields (term sizes against the joint list,
 * per-joint arrays against the joint count, the observation size against the model input), and every
 * problem is reported with the field's path: "policy.pd.stiffness: 12 values, the card has 16 joints".
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';

export const CARD_SCHEMA_VERSION = 2;

const dim = z.union([z.number().int().nonnegative(), z.string().min(1)], { error: 'expected a size ≥ 0 or a symbolic name like "batch"' });
export const DTYPES = ['float32', 'float64', 'float16', 'int64', 'int32', 'bool'] as const;

const tensorSpec = z.object({
  name: z.string().min(1),
  shape: z.array(dim),
  dtype: z.enum(DTYPES),
  description: z.string().optional(),
});

/** Observation terms a robot can provide (see observation-layout.ts for how each is computed). */
export const OBSERVATION_TERMS = [
  'base_lin_vel', // base linear velocity, body frame (m/s)
  'base_ang_vel', // base angular velocity, body frame (rad/s)
  'projected_gravity', // gravity direction [0,0,-1] rotated into the body frame
  'velocity_command', // commanded [vx, vy, yaw rate]
  'joint_pos', // joint positions, card joint order
  'joint_pos_rel', // joint positions minus the default pose
  'joint_vel', // joint velocities
  'joint_vel_rel', // joint velocities minus the default (zero) velocity; Isaac Lab's name
  'last_action', // the previous raw policy output
  'sensor', // a site sensor of the robot by name (key): gyro, accelerometer, framequat (w, x, y, z), touch…
  'custom', // read from RobotQuantities.extra[key]
] as const;
export type ObservationTermName = (typeof OBSERVATION_TERMS)[number];

const scaleSpec = z.union([z.number(), z.array(z.number())], { error: 'expected a number or an array of numbers' });

const observationTerm = z.object({
  name: z.enum(OBSERVATION_TERMS),
  size: z.number().int().positive(),
  /** Multiplies the raw value (per element when an array). */
  scale: scaleSpec.default(1),
  /** Clamps the scaled value to [lo, hi]. */
  clip: z.tuple([z.number(), z.number()]).optional(),
  /** Frames kept for this term (1 = current only). */
  history: z.number().int().positive().default(1),
  /** Joints whose entries are forced to zero (wheels in joint_pos_rel). */
  zeroJoints: z.array(z.string()).optional(),
  /** For 'sensor': the sensor's name (MJCF `<sensor>` name); for 'custom': the key in RobotQuantities.extra. */
  key: z.string().optional(),
  /**
   * For joint terms: the robot joints read, in this order, instead of the card's (actuated) joints —
   * a cart-pole's policy observes the unactuated hinge it cannot drive. joint_pos_rel then counts from 0.
   */
  joints: z.array(z.string().min(1)).optional(),
});
export type ObservationTerm = z.infer<typeof observationTerm>;

const actionType = z.enum(['position', 'velocity', 'torque']);
export type ActionType = z.infer<typeof actionType>;

const policySpec = z.object({
  /** Joint order of the observation and action vectors, by joint name (mapped onto the robot's joints). */
  joints: z.array(z.string().min(1)).min(1),
  /** Default joint positions in card joint order (the pose joint_pos_rel is relative to). */
  defaultPose: z.array(z.number()),
  observation: z.object({
    /** The model input the observation feeds (default: the card's first input). */
    input: z.string().optional(),
    terms: z.array(observationTerm).min(1),
    /** Clamps the whole vector to ±clip after scaling (rl_sar's clip_obs, Isaac Lab's clip_observations). */
    clip: z.number().positive().optional(),
    /** 'term': each term's frames together, oldest first (Isaac Lab); 'time': whole frames, newest first (rl_sar). */
    historyOrder: z.enum(['term', 'time']).default('term'),
  }),
  action: z.object({
    output: z.string().optional(),
    /** One type for all joints or one per joint (wheel-legged robots mix position and velocity). */
    type: z.union([actionType, z.array(actionType)], { error: 'expected "position", "velocity" or "torque", or an array of those (one per joint)' }),
    scale: scaleSpec.default(1),
    /** Added after scaling: 'defaultPose' for position joints, or explicit values per joint. */
    offset: z.union([z.literal('defaultPose'), z.number(), z.array(z.number())], { error: 'expected "defaultPose", a number or an array of numbers (one per joint)' }).default(0),
    /** Clamps the raw output before scaling ([lo, hi] for all joints, or per-joint lower/upper). */
    clip: z
      .union([z.tuple([z.number(), z.number()]), z.object({ lower: z.array(z.number()), upper: z.array(z.number()) })], {
        error: 'expected [lower, upper] or { lower: [...], upper: [...] } (one per joint)',
      })
      .optional(),
  }),
  /**
   * How the trainer drove each joint, per joint in card order (Isaac Lab's actuator configs, MuJoCo
   * Playground's actuator and joint attributes). Two dampings, never confused: the servo's derivative
   * gain acts on the command's velocity error; joint damping is passive and acts whatever the command.
   */
  pd: z.object({
    /** Servo proportional gain kp (N·m/rad or N/m): Isaac Lab's `stiffness`, MJCF position `kp`. */
    stiffness: z.array(z.number().nonnegative()),
    /** Servo derivative gain kv (N·m·s/rad): Isaac Lab's actuator `damping`, MJCF position/velocity `kv`. */
    servoDamping: z.array(z.number().nonnegative()),
    /** Passive joint damping (N·m·s/rad): MJCF joint `damping`, Isaac Lab's joint `damping` of an explicit actuator. */
    jointDamping: z.array(z.number().nonnegative()).optional(),
    /** Torque limit of the actuator (N·m): Isaac Lab's `effort_limit`, MJCF `forcerange` / `actuatorfrcrange`. */
    torqueLimit: z.array(z.number().positive()).optional(),
    /** Reflected rotor inertia per joint (kg·m²), as Isaac Lab and MuJoCo Playground set it; URDF has none. */
    armature: z.array(z.number().nonnegative()).optional(),
    damping: z
      .never({ error: "renamed in card schema 2: 'servoDamping' for the servo's kv (what version 1 meant), 'jointDamping' for passive joint damping" })
      .optional(),
  }),
  rates: z.object({
    controlHz: z.number().positive(),
    physicsHz: z.number().positive(),
  }),
});
export type PolicySpec = z.infer<typeof policySpec>;

const normalizer = z.union([
  z.object({ mode: z.literal('min_max'), min: z.array(z.number()), max: z.array(z.number()) }),
  z.object({ mode: z.literal('mean_std'), mean: z.array(z.number()), std: z.array(z.number()) }),
]);
export type NormalizerSpec = z.infer<typeof normalizer>;

const diffusionSpec = z.object({
  /** Prediction horizon (actions per chunk). */
  horizon: z.number().int().positive(),
  /** Observation frames conditioning one chunk. */
  obsHorizon: z.number().int().positive(),
  /** Actions executed from each chunk before replanning. */
  actionSteps: z.number().int().positive(),
  actionDim: z.number().int().positive(),
  obsDim: z.number().int().positive(),
  inputs: z.object({ sample: z.string(), timestep: z.string(), condition: z.string() }).default({ sample: 'sample', timestep: 'timestep', condition: 'global_cond' }),
  output: z.string().default('noise_pred'),
  trainTimesteps: z.number().int().positive().default(100),
  betaSchedule: z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']).default('squaredcos_cap_v2'),
  betaStart: z.number().positive().default(0.0001),
  betaEnd: z.number().positive().default(0.02),
  predictionType: z.enum(['epsilon', 'sample']).default('epsilon'),
  clipSample: z.boolean().default(true),
  clipSampleRange: z.number().positive().default(1),
  normalization: z.object({ action: normalizer.optional(), observation: normalizer.optional() }).optional(),
  /**
   * When present the model's actions are position targets, not actuator commands: target k is where
   * observation entry `observation[k]` should go, and the controller drives actuator k toward it with
   * command = kp·(target − x) − kd·(x − x_prev), x_prev that entry one control step earlier (Diffusion
   * Policy's PushT: the policy outputs the pusher's target position, a PD loop tracks it).
   */
  positionTarget: z
    .object({
      observation: z.array(z.number().int().nonnegative()),
      kp: z.array(z.number()),
      kd: z.array(z.number()),
      /** Control steps ahead of the observation each demonstrated target was taken from (provenance). */
      lead: z.number().int().positive(),
    })
    .optional(),
});
export type DiffusionSpec = z.infer<typeof diffusionSpec>;

const worldModelSpec = z.object({
  latentDim: z.number().int().positive(),
  actionDim: z.number().int().positive(),
  obsDim: z.number().int().positive(),
  /**
   * Files relative to the card. Conventions: encoder obs→z; dynamics (z, action)→z_next; reward (z, action)→reward; q (z, action)→q [B, ensemble]; policy z→action (optional second output std);
   * optional value (z, action [H, B, A], noise, discount)→value_mean, value_min: the planner's value of B action sequences in one call.
   */
  models: z.object({ encoder: z.string(), dynamics: z.string(), reward: z.string(), q: z.string(), policy: z.string(), value: z.string().optional() }),
  discount: z.number().gt(0).lte(1).default(0.99),
  /** Actuator range the model's [-1, 1] actions map onto. */
  actionLow: z.array(z.number()).optional(),
  actionHigh: z.array(z.number()).optional(),
});
export type WorldModelSpec = z.infer<typeof worldModelSpec>;

const provenance = z.object({
  source: z.string().min(1),
  license: z.string().min(1),
  /** Framework and where it was trained ("Isaac Lab via robot_lab", "Actuate PPO on this machine"). */
  trainedWith: z.string().optional(),
  commit: z.string().optional(),
  sha256: z.string().optional(),
  notes: z.string().optional(),
});

export const modelCardSchema = z.object({
  schemaVersion: z.literal(CARD_SCHEMA_VERSION),
  name: z.string().min(1),
  description: z.string().optional(),
  kind: z.enum(['policy', 'diffusion-denoiser', 'world-model', 'dynamics', 'generic']),
  /** The .onnx file, relative to the card (absent for multi-file world models). */
  model: z.string().optional(),
  inputs: z.array(tensorSpec),
  outputs: z.array(tensorSpec),
  policy: policySpec.optional(),
  diffusion: diffusionSpec.optional(),
  worldModel: worldModelSpec.optional(),
  provenance,
});
export type ModelCard = z.infer<typeof modelCardSchema>;
export type TensorSpec = z.infer<typeof tensorSpec>;

export class CardError extends Error {
  override name = 'CardError';
}

/** Migrations from version v to v + 1, applied on read: a card of any earlier version keeps loading. */
export type CardMigration = (raw: Record<string, unknown>) => Record<string, unknown>;
export const CARD_MIGRATIONS: Record<number, CardMigration> = {
  // 1 → 2: version 1's `pd.damping` was always the servo's kv (card-drive-setup applied it so).
  1: (card) => {
    const policy = card.policy as Record<string, unknown> | undefined;
    const pd = policy?.pd as Record<string, unknown> | undefined;
    if (!policy || typeof pd !== 'object' || pd === null || !('damping' in pd)) return card;
    const { damping, ...rest } = pd;
    return { ...card, policy: { ...policy, pd: { ...rest, servoDamping: damping } } };
  },
};

export function migrateCard(raw: unknown, migrations: Record<number, CardMigration> = CARD_MIGRATIONS, current = CARD_SCHEMA_VERSION): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CardError('a model card must be a JSON object');
  let card = raw as Record<string, unknown>;
  let version = card.schemaVersion;
  if (version === undefined) throw new CardError(`schemaVersion: missing (this Actuate writes version ${current})`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new CardError(`schemaVersion: expected a whole number ≥ 1, got ${JSON.stringify(version)}`);
  if (version > current) throw new CardError(`schemaVersion: ${version} is newer than this Actuate reads (${current}); update Actuate`);
  while (version < current) {
    const step = migrations[version];
    if (!step) throw new CardError(`schemaVersion: no migration from version ${version}`);
    card = { ...step(card), schemaVersion: version + 1 };
    version++;
  }
  return card;
}

/** Validates a parsed card (after migration); throws a CardError listing every problem with its field path. */
export function parseModelCard(raw: unknown, label = 'model card', migrations?: Record<number, CardMigration>): ModelCard {
  let migrated: Record<string, unknown>;
  try {
    migrated = migrateCard(raw, migrations);
  } catch (err) {
    throw new CardError(`${label}: ${(err as Error).message}`);
  }
  const parsed = modelCardSchema.safeParse(migrated, { error: (issue) => (issue.input === undefined ? 'required' : undefined) });
  if (!parsed.success) {
    throw new CardError(`${label}: ${parsed.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`).join('; ')}`);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length) throw new CardError(`${label}: ${problems.join('; ')}`);
  return parsed.data;
}

export interface LoadedCard {
  card: ModelCard;
  file: string;
  /** The card's model file resolved against the card's folder. */
  modelPath?: string;
  /** Resolves a path written in the card (relative to the card's folder). */
  resolvePath(relative: string): string;
  /** Every model file the card names (its model, a world model's five networks), resolved. */
  modelFiles: string[];
}

export function loadModelCard(file: string): LoadedCard {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CardError(e.code === 'ENOENT' ? `model card not found: ${file}` : `cannot read model card ${file}: ${e.message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CardError(`${file}: not valid JSON${jsonErrorPlace(text, (err as Error).message)}`);
  }
  const card = parseModelCard(raw, file);
  const dir = dirname(resolve(file));
  const named = [...(card.model ? [card.model] : []), ...(card.worldModel ? Object.values(card.worldModel.models) : [])];
  return {
    card,
    file,
    ...(card.model ? { modelPath: resolve(dir, card.model) } : {}),
    resolvePath: (p) => resolve(dir, p),
    modelFiles: named.map((p) => resolve(dir, p)),
  };
}

/**
 * Where a JSON syntax error is (" at line 3, column 7"), without the parser's quote of the text: a
 * file that is not a card at all may hold secrets (`Unexpected token 'A', "API_KEY=sk"...`).
 */
function jsonErrorPlace(text: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  if (!position) return /end of JSON input/.test(message) ? ' (it ends too early)' : '';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (!path.length) return '(card)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** The observation length the policy section describes (Σ size × history). */
export function observationSize(policy: PolicySpec): number {
  return policy.observation.terms.reduce((n, t) => n + t.size * t.history, 0);
}

function crossCheck(card: ModelCard): string[] {
  const problems: string[] = [];
  if (card.kind === 'policy' && !card.policy) problems.push('policy: required when kind is "policy"');
  if (card.kind === 'diffusion-denoiser' && !card.diffusion) problems.push('diffusion: required when kind is "diffusion-denoiser"');
  if (card.kind === 'world-model' && !card.worldModel) problems.push('worldModel: required when kind is "world-model"');
  if (card.policy) problems.push(...checkPolicy(card, card.policy));
  if (card.diffusion?.positionTarget) problems.push(...checkPositionTarget(card.diffusion));
  return problems;
}

function checkPositionTarget(d: DiffusionSpec): string[] {
  const t = d.positionTarget!;
  const problems: string[] = [];
  for (const key of ['observation', 'kp', 'kd'] as const) {
    if (t[key].length !== d.actionDim) problems.push(`diffusion.positionTarget.${key}: ${t[key].length} values, the model has ${d.actionDim} actions`);
  }
  t.observation.forEach((i, k) => {
    if (i >= d.obsDim) problems.push(`diffusion.positionTarget.observation[${k}]: entry ${i} is past the observation's ${d.obsDim} values`);
  });
  return problems;
}

function checkPolicy(card: ModelCard, p: PolicySpec): string[] {
  const problems: string[] = [];
  const n = p.joints.length;
  const perJoint = (path: string, values: unknown[] | undefined) => {
    if (values && values.length !== n) problems.push(`${path}: ${values.length} values, the card has ${n} joints`);
  };
  const seen = new Set<string>();
  p.joints.forEach((j, i) => {
    if (seen.has(j)) problems.push(`policy.joints[${i}]: joint '${j}' listed twice`);
    seen.add(j);
  });
  perJoint('policy.defaultPose', p.defaultPose);
  perJoint('policy.pd.stiffness', p.pd.stiffness);
  perJoint('policy.pd.servoDamping', p.pd.servoDamping);
  perJoint('policy.pd.jointDamping', p.pd.jointDamping);
  perJoint('policy.pd.torqueLimit', p.pd.torqueLimit);
  perJoint('policy.pd.armature', p.pd.armature);
  if (Array.isArray(p.action.type)) perJoint('policy.action.type', p.action.type);
  if (Array.isArray(p.action.scale)) perJoint('policy.action.scale', p.action.scale);
  if (Array.isArray(p.action.offset)) perJoint('policy.action.offset', p.action.offset);
  if (p.action.clip && !Array.isArray(p.action.clip)) {
    perJoint('policy.action.clip.lower', p.action.clip.lower);
    perJoint('policy.action.clip.upper', p.action.clip.upper);
  }
  p.observation.terms.forEach((t, i) => {
    const at = `policy.observation.terms[${i}] (${t.name})`;
    const expected: Partial<Record<ObservationTermName, number>> = {
      base_lin_vel: 3,
      base_ang_vel: 3,
      projected_gravity: 3,
      joint_pos: n,
      joint_pos_rel: n,
      joint_vel: n,
      joint_vel_rel: n,
      last_action: n,
    };
    const want = t.joints && t.name.startsWith('joint') ? t.joints.length : expected[t.name];
    if (t.joints && !t.name.startsWith('joint')) problems.push(`${at}.joints: only joint terms read a joint list`);
    if (want !== undefined && t.size !== want) problems.push(`${at}.size: ${t.size}, expected ${want}${t.name.startsWith('joint') || t.name === 'last_action' ? ' (one per joint)' : ''}`);
    if (Array.isArray(t.scale) && t.scale.length !== t.size) problems.push(`${at}.scale: ${t.scale.length} values for size ${t.size}`);
    if (t.clip && t.clip[0] > t.clip[1]) problems.push(`${at}.clip: lower ${t.clip[0]} > upper ${t.clip[1]}`);
    for (const j of t.zeroJoints ?? []) if (!seen.has(j) && !t.joints?.includes(j)) problems.push(`${at}.zeroJoints: unknown joint '${j}'`);
    if ((t.name === 'custom' || t.name === 'sensor') && !t.key) problems.push(`${at}.key: required for a ${t.name} term${t.name === 'sensor' ? " (the sensor's name)" : ''}`);
  });
  const inputName = p.observation.input ?? card.inputs[0]?.name;
  const input = card.inputs.find((i) => i.name === inputName);
  if (!input) problems.push(`policy.observation.input: '${inputName ?? ''}' is not among the card's inputs`);
  else {
    const last = input.shape.at(-1);
    const size = observationSize(p);
    if (typeof last === 'number' && last !== size) problems.push(`policy.observation.terms: add up to ${size} values, input '${input.name}' takes ${last}`);
  }
  const outputName = p.action.output ?? card.outputs[0]?.name;
  const output = card.outputs.find((o) => o.name === outputName);
  if (!output) problems.push(`policy.action.output: '${outputName ?? ''}' is not among the card's outputs`);
  else {
    const last = output.shape.at(-1);
    if (typeof last === 'number' && last !== n) problems.push(`policy.joints: ${n} joints, output '${output.name}' has ${last} values`);
  }
  return problems;
}

/** Where a model's own card sits by convention: `<name>.card.json` beside `<name>.onnx` (docs/neural.md). */
export const CARD_SUFFIX = '.card.json';

export function cardBeside(modelPath: string): string {
  return join(dirname(modelPath), `${basename(modelPath, extname(modelPath))}${CARD_SUFFIX}`);
}
