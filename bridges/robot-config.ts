/**
 * Robot configuration files (`robot.json`): the bus, which servo drives which joint of a robot model,
 * calibration, limits, gains and safety settings. Versioned, with a migration step per old version,
 * and validated with errors that name the file and the field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { findModel } from './buses/models.ts';

export const ROBOT_CONFIG_VERSION = 1;

const Motor = z.object({
  id: z.number().int().min(0).max(252),
  /** A motor model name (bridges/buses/models.ts): 'sts3215', 'xl330-m288', 'xl430-w250', … */
  model: z.string(),
});

const Calibration = z.object({
  homingOffset: z.number().int(),
  direction: z.union([z.literal(1), z.literal(-1)]),
  rangeMin: z.number().int(),
  rangeMax: z.number().int(),
});

const Limit = z.object({
  /** Joint position limits, rad. */
  min: z.number(),
  max: z.number(),
  /** Joint speed limit, rad/s. */
  velocity: z.number().positive().optional(),
});

const Gains = z.object({ p: z.number().int().min(0), i: z.number().int().min(0).default(0), d: z.number().int().min(0).default(0) });

const Safety = z.object({
  /** Largest change of a position goal from the present position in one command, rad (LeRobot's max_relative_target). */
  maxStep: z.number().positive().default(0.25),
  /** No fresh command for this long → hold the present position. */
  commandTimeoutMs: z.number().int().positive().default(200),
  /** Still no command → torque off. */
  torqueOffAfterMs: z.number().int().positive().default(1000),
  /** Dynamixel Bus Watchdog: a servo that hears nothing for this long stops by itself (20 ms steps; 0 = off). */
  busWatchdogMs: z.number().int().min(0).max(2540).default(100),
  /** Consecutive failed state reads before the robot trips to torque off. */
  readFailures: z.number().int().positive().default(3),
});

export const RobotConfigSchema = z
  .object({
    version: z.literal(ROBOT_CONFIG_VERSION),
    name: z.string().min(1),
    /** A leader arm is moved by hand and only read: its torque is never enabled and it takes no commands. */
    role: z.enum(['follower', 'leader']).default('follower'),
    /** The robot model (URDF/MJCF) whose joints the motors drive, relative to this file. */
    robotModel: z.string().optional(),
    bus: z.object({
      type: z.enum(['dynamixel', 'feetech']),
      port: z.string().min(1),
      baud: z.number().int().positive().default(1_000_000),
      timeoutMs: z.number().int().positive().default(20),
      retries: z.number().int().min(0).max(10).default(2),
    }),
    /** Joint name → the servo driving it, in the order of the robot's joints. */
    motors: z.record(z.string(), Motor),
    calibration: z.record(z.string(), Calibration).default({}),
    limits: z.record(z.string(), Limit).default({}),
    gains: z.record(z.string(), Gains).default({}),
    /** Fraction (0–1] of each servo's torque or current limit. */
    torqueLimit: z.record(z.string(), z.number().gt(0).max(1)).default({}),
    safety: Safety.default(Safety.parse({})),
  })
  .superRefine((c, ctx) => {
    const ids = new Map<number, string>();
    for (const [joint, m] of Object.entries(c.motors)) {
      const other = ids.get(m.id);
      if (other) ctx.addIssue({ code: 'custom', path: ['motors', joint, 'id'], message: `ID ${m.id} is also used by ${other}` });
      ids.set(m.id, joint);
      try {
        const model = findModel(m.model);
        if (model.bus !== c.bus.type) ctx.addIssue({ code: 'custom', path: ['motors', joint, 'model'], message: `${m.model} is a ${model.bus} servo, but the bus is ${c.bus.type}` });
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['motors', joint, 'model'], message: (err as Error).message });
      }
    }
    for (const section of ['calibration', 'limits', 'gains', 'torqueLimit'] as const)
      for (const joint of Object.keys(c[section]))
        if (!(joint in c.motors)) ctx.addIssue({ code: 'custom', path: [section, joint], message: `no motor drives joint '${joint}' (motors: ${Object.keys(c.motors).join(', ')})` });
    for (const [joint, l] of Object.entries(c.limits))
      if (l.min >= l.max) ctx.addIssue({ code: 'custom', path: ['limits', joint], message: `min ${l.min} is not below max ${l.max}` });
  });

export type RobotConfig = z.infer<typeof RobotConfigSchema>;

/** Old version → the next one. Add an entry when the format changes; never edit a released one. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {};

export function migrateRobotConfig(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  let config = raw as Record<string, unknown>;
  for (;;) {
    const version = config.version;
    if (typeof version !== 'number' || version >= ROBOT_CONFIG_VERSION) return config;
    const step = MIGRATIONS[version];
    if (!step) return config;
    config = step(config);
  }
}

/** Validates a configuration; errors name the source and every bad field. */
export function parseRobotConfig(raw: unknown, source = 'robot configuration'): RobotConfig {
  if ((raw as { kind?: unknown } | null)?.kind === 'ros') throw new Error(`${source} describes a robot on ROS ("kind": "ros"); this needs servos on a bus (deploy and the studio's Robot panel take either)`);
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > ROBOT_CONFIG_VERSION)
    throw new Error(`${source}: version ${version} is newer than this Actuate understands (${ROBOT_CONFIG_VERSION}); update Actuate`);
  const result = RobotConfigSchema.safeParse(migrateRobotConfig(raw));
  if (result.success) return result.data;
  throw configError(source, result.error.issues);
}

export function loadRobotConfig(file: string): RobotConfig {
  return parseRobotConfig(readRobotJson(file), file);
}

/** A robot configuration file's JSON, or an error naming the file. */
export function readRobotJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read robot configuration ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/** Zod's issues as an error naming the source and every bad field. */
export function configError(source: string, issues: readonly { path: PropertyKey[]; message: string }[]): Error {
  const lines = issues.map((i) => `  ${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`);
  return new Error(`${source} is not a valid robot configuration:\n${lines.join('\n')}`);
}

export function saveRobotConfig(file: string, config: RobotConfig): void {
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

/** The robot model file, resolved against the configuration's folder. */
export function robotModelPath(file: string, config: RobotConfig): string | undefined {
  return config.robotModel ? resolve(dirname(file), config.robotModel) : undefined;
}
