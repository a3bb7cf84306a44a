/**
 * The ROS flags `run` and `serve` share: `--ros1 [MASTER_URI]` (default $ROS_MASTER_URI, else roscore's own
 * address on this machine),
 * `--rosbridge URL` (a rosbridge v2 server, ROS 1 or ROS 2), `--ros-ns NS` (topic prefix), `--ros-rate HZ`
 * (publications per second), `--ros-topic KEY=NAME` (another name for a topic, repeatable) and
 * `--ros-joints A,B` (the joints `joint_states` carries, in that order; default all). Taken out
 * of the arguments before the command parses the rest.
 */
import { checkTopicNames, type RosTopicKey } from '../engine/ros-session.ts';
import { UsageError } from './usage-error.ts';

type Topics = Partial<Record<RosTopicKey, string>>;

/** Where `roscore` listens by default. */
const DEFAULT_MASTER_URI = 'http://127.0.0.1:11311';

export interface RosOptions {
  ros1?: { masterUri: string; namespace?: string; rateHz: number; topics?: Topics; joints?: string[] };
  rosbridge?: { url: string; namespace?: string; rateHz: number; topics?: Topics; joints?: string[] };
}

export function takeRosOptions(argv: string[]): { rest: string[]; ros: RosOptions } {
  const rest: string[] = [];
  let masterUri: string | undefined;
  let bridgeUrl: string | undefined;
  let namespace: string | undefined;
  let rate: string | undefined;
  const renames: Record<string, string> = {};
  let joints: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const hasValue = next !== undefined && !next.startsWith('--');
    if (arg === '--ros1') {
      // A bare `roscore` listens there and sets no ROS_MASTER_URI (only a sourced setup.bash does).
      masterUri = hasValue ? argv[++i]! : process.env.ROS_MASTER_URI || DEFAULT_MASTER_URI;
    } else if (arg === '--rosbridge') {
      if (!hasValue) throw new UsageError('--rosbridge needs a URL, e.g. --rosbridge ws://127.0.0.1:9090');
      bridgeUrl = argv[++i];
    } else if (arg === '--ros-topic') {
      const [key, name, ...more] = (hasValue ? argv[++i]! : '').split('=');
      if (!key || !name || more.length) throw new UsageError('--ros-topic needs KEY=NAME, e.g. --ros-topic joint_states=arm/state');
      renames[key] = name;
    } else if (arg === '--ros-joints') {
      joints = (hasValue ? argv[++i]! : '').split(',').map((j) => j.trim()).filter(Boolean);
      if (!joints.length) throw new UsageError('--ros-joints needs joint names, e.g. --ros-joints shoulder_pan,elbow_flex');
    } else if (arg === '--ros-ns' || arg === '--ros-rate') {
      if (!hasValue) throw new UsageError(`${arg} needs a value`);
      if (arg === '--ros-ns') namespace = argv[++i];
      else rate = argv[++i];
    } else rest.push(arg);
  }
  if (!masterUri && !bridgeUrl) {
    if (namespace !== undefined || rate !== undefined || joints || Object.keys(renames).length) throw new UsageError('--ros-ns, --ros-rate, --ros-topic and --ros-joints go with --ros1 or --rosbridge');
    return { rest, ros: {} };
  }
  const rateHz = rate === undefined ? 50 : Number(rate);
  if (!(rateHz > 0 && rateHz <= 1000)) throw new UsageError(`--ros-rate must be a number of Hz in (0, 1000], got '${rate}'`);
  if (namespace !== undefined && !/^\/?[A-Za-z][\w/]*$/.test(namespace)) throw new UsageError(`--ros-ns '${namespace}' is not a ROS name (letters, digits, _ and /)`);
  let topics: Topics;
  try {
    topics = checkTopicNames(renames);
  } catch (err) {
    throw new UsageError(`--ros-topic: ${(err as Error).message}`);
  }
  const common = { rateHz, ...(namespace ? { namespace } : {}), ...(Object.keys(topics).length ? { topics } : {}), ...(joints ? { joints } : {}) };
  return { rest, ros: { ...(masterUri ? { ros1: { masterUri, ...common } } : {}), ...(bridgeUrl ? { rosbridge: { url: bridgeUrl, ...common } } : {}) } };
}
