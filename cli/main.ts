/**
 * The `actuate` command line. Exit codes: 0 ok, 1 failure, 2 usage error. Each command's module is
 * imported only when it runs, so `actuate tasks` does not load ONNX Runtime, Rapier or the server.
 */
import { UsageError } from './usage-error.ts';

const USAGE = `usage: actuate <command> [options]

  tasks [--json]                     list tasks and their default controllers
  controllers [--json]               list controllers
  run (--task T | --robot FILE [--package name=dir …] [--keyframe NAME]) [--controller C] [--seconds S] [--seed N]
      [--set key=value …] [--json] [--engine rapier|mujoco]
      [--record FILE.mcap] [--ros1 [MASTER_URI]] [--rosbridge URL] [--ros-ns NS] [--ros-rate HZ]
                                     run the closed loop headless (keys: task.<param>, controller.<param>, cost.<term>);
                                     without --controller, the task's default controller
                                     --ros1 / --rosbridge publish joint_states, tf, odom, task_state and take cmd_vel,
                                     joint_commands, joint_trajectory, pacing the run in real time; --ros-topic KEY=NAME
                                     (repeatable) renames one (joint_states=arm/state; /absolute names ignore --ros-ns);
                                     --ros-joints A,B publishes only those joints, in that order
  sim2sim (--task T | --robot FILE) [--controller C] [--seconds S] [--seed N] [--set key=value …] [--json]
                                     the same controller in Rapier and MuJoCo from the same start: both runs' metrics
                                     and their divergence over time (base position and heading, joint RMS)
  record --task T --out FILE.mcap [run options]
                                     a headless run recorded to MCAP (opens in Foxglove), then what the file holds
  record --task T --episodes N --out demos.mcap [--controller C] [--seed S] [--seconds T] [--set key=value …]
         [--expert E | --exec-noise σ]
                                     N episodes (seeds S … S+N−1) as demonstrations: observation, action, reward per step;
                                     with --expert, C drives and E's action in each state is recorded (DAgger; --set expert.KEY=V);
                                     with --exec-noise, C's actions are executed with Gaussian noise σ (fraction of the actuator's
                                     half range) and its clean ones recorded (DART)
  replay FILE.mcap [--json]          what a recording holds: duration, topics, message counts, gaps (recovers an unclosed file)
  serve [--port P] [--host H] [--no-token] [--models DIR …] [--robots DIR …] [--runs DIR …] [--package name=dir …]
        [--engine rapier|mujoco]
                                     serve the studio and the engine protocol on 127.0.0.1 (or --host), guarded by a new
                                     random token (printed once in the address; --no-token on loopback only; --token T or
                                     ACTUATE_TOKEN to choose it); clients open files only in assets/, models/ and the
                                     --models (also offered in the pickers), --robots and --runs folders
      [--record FILE.mcap] [--ros1 [MASTER_URI]] [--rosbridge URL] [--ros-ns NS] [--ros-rate HZ]
                                     the studio's live session recorded and on ROS, as with run (--ros-topic too; the
                                     studio's ROS panel connects more and shows the topics); the studio's Record button writes to recordings/ in the first --runs folder (default ./runs)
      [--foxglove [PORT]]            the live session on the Foxglove WebSocket protocol (default port 8765; loopback
                                     only, read-only): watch it in Foxglove or Lichtblick
  robot inspect <file> [--package name=dir …] [--floating] [--json]
                                     summarise a URDF or MJCF robot (exit 1 with the error for a bad file)
  robot ports [--json]               list serial ports
  robot scan --bus dynamixel|feetech --port P [--baud B] [--ids A-B] [--timeout MS] [--json]
                                     ping servo IDs on a bus: [{id, model, firmware}]; --ids 0-252 by default
                                     (≈ 0.1 s per missing ID: --ids 1-6 for a six-servo arm is quicker)
  robot read --robot FILE [--port P] [--json]
                                     read joint positions, velocities, load, temperature, voltage, faults (torque stays off)
  robot calibrate --robot FILE [--port P] [--yes --seconds S] [--out FILE]
                                     set each joint's middle and record its range; saves the calibration into FILE
  robot virtual-bus --bus dynamixel|feetech --servo ID:MODEL …
                                     a virtual servo bus on a pseudo-terminal (needs socat), for trying the above
  deploy --robot FILE [--task T] [--controller C] [--set key=value …] [--rate Hz] [--seconds S] [--port P]
         [--log FILE.jsonl] [--record FILE.mcap] [--dry-run] [--json]
                                     run any task controller on a real robot through the safety layer (default task:
                                     free play of the config's robotModel); loop statistics, a JSONL log; --dry-run
                                     reads the robot and drives only its simulated twin. FILE: servos on a bus, or a
                                     robot on ROS ("kind": "ros": master or rosbridge URL, topics; --port another URL)
  teleop --robot FOLLOWER --leader LEADER [--port P] [--leader-port P] [--rate Hz] [--seconds S] [--json]
                                     leader–follower: the leader arm's joint positions drive the follower
  policy info <model.onnx> [--json]  inputs, outputs, shapes, dtypes, opset, producer, parameter count
  policy check <model.onnx> --card <card.json>
                                     validate a model card and that it matches the model (exit 1 with the error)
  policy run <model.onnx> --input <file.json> [--json]
                                     feed named inputs ({"obs": [[…]]}) and print the named outputs
  train --task T --algo ppo --out DIR [--envs N] [--workers W] [--minutes M | --steps N] [--seed S]
        [--set task.key=value …] [--resume DIR] [--hidden 256,128,64] [--init-noise-std 1] [--steps-per-env 24]
        [--lr 0.001] [--lr-schedule adaptive|fixed] [--episode-seconds S] [--randomize] [--checkpoint-every 10]
        [--keep-exports] [--json]
                                     train a policy; DIR gets metrics.jsonl, checkpoint.json, policy.onnx + policy.card.json
  train --algo diffusion --demos demos.mcap … --out DIR [--steps N | --minutes M] [--seed S] [--hidden 256,256,256]
        [--horizon 16] [--obs-horizon 2] [--action-steps 8] [--batch 256] [--lr 0.001] [--all-episodes]
        [--position-target I,J… [--target-lead 5]] [--json]
                                     a diffusion policy from demonstrations; DIR gets metrics.jsonl, policy.onnx + policy.card.json;
                                     --position-target: it learns where observation entries I,J… go (one per actuator), tracked by a fitted PD
  train --task T --algo world-model --out DIR [--steps N | --minutes M] [--seed S] [--envs N] [--hidden 128,128]
        [--batch 128] [--lr 0.0003] [--updates-per-step 1] [--horizon 3] [--collect plan|prior] [--plan-samples 256]
        [--plan-iterations 4] [--set task.key=value …] [--checkpoint-every 10] [--json]
                                     a TD-MPC2-style world model learned online; DIR gets metrics.jsonl, world-model.card.json
                                     + 6 .onnx files (run with --controller world-model-mpc)
  eval --task T --controller C [--episodes N] [--seed S] [--set key=value …] [--engine rapier|mujoco] [--json]
                                     run N episodes: success rate, return mean and spread, task metrics
  bench [--json] [--only NAME…]      run the benchmarks

  --ep LIST                          ONNX Runtime execution providers to try, in order (cuda, dml, coreml,
                                     webgpu, cpu; e.g. --ep webgpu,cpu); default: the platform's order`;

/** `actuate robot …` subcommands that talk to a serial bus. */
const ROBOT_BUS_COMMANDS = new Set(['ports', 'scan', 'read', 'calibrate', 'virtual-bus']);

/** Each command: what it prints (if anything) and its exit code. */
const COMMANDS: Record<string, (args: string[], json: boolean) => Promise<number>> = {
  tasks: async (_args, json) => print(await (await import('./commands/list.ts')).listTasks(json)),
  controllers: async (_args, json) => print(await (await import('./commands/list.ts')).listControllers(json)),
  run: async (args) => print(await (await import('./commands/run.ts')).runCommand(args)),
  sim2sim: async (args) => print(await (await import('./commands/sim2sim.ts')).sim2simCommand(args)),
  robot: async (args) => {
    // Bus commands load serialport: only when asked for.
    if (!ROBOT_BUS_COMMANDS.has(args[0] ?? '')) return print((await import('./commands/robot.ts')).robotCommand(args));
    const out = await (await import('./commands/robot-bus.ts')).robotBusCommand(args);
    if (typeof out !== 'string') return print(out.text, out.exitCode);
    return out ? print(out) : 0;
  },
  deploy: async (args) => (await import('./commands/deploy.ts')).deployCommand(args),
  teleop: async (args) => (await import('./commands/teleop.ts')).teleopCommand(args),
  record: async (args) => print(await (await import('./commands/record.ts')).recordCommand(args)),
  replay: async (args) => print(await (await import('./commands/replay.ts')).replayCommand(args)),
  policy: async (args) => print(await (await import('./commands/policy.ts')).policyCommand(args)),
  serve: async (args) => {
    await (await import('./commands/serve.ts')).serveCommand(args);
    return 0;
  },
  train: async (args) => print(await (await import('./commands/train.ts')).trainCommand(args)),
  eval: async (args) => print(await (await import('./commands/eval.ts')).evalCommand(args)),
  bench: async (args) => (await import('../bench/bench-command.ts')).benchCommand(args),
};

function print(text: string, exitCode = 0): number {
  console.log(text);
  return exitCode;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...options] = argv;
  const json = options.includes('--json');
  try {
    const rest = await takeExecutionProviders(options);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(`unknown command '${command}'`);
    return await run(rest, json);
  } catch (err) {
    const e = err as Error & { code?: string };
    // Scripts reading --json output get the error as JSON too; people read the stderr line.
    if (json) console.log(JSON.stringify({ error: e.message }));
    if (e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`actuate: ${e.message}`);
      if (e instanceof UsageError && e.message.startsWith('unknown command')) console.error(USAGE);
      return 2;
    }
    console.error(`actuate: ${e.message}`);
    if (process.env.ACTUATE_DEBUG) console.error(e.stack);
    return 1;
  }
}

/** Takes `--ep LIST` out of the arguments and hands it to every model this process (and its workers) loads. */
async function takeExecutionProviders(args: string[]): Promise<string[]> {
  const at = args.indexOf('--ep');
  if (at < 0) return args;
  const list = args[at + 1];
  if (!list || list.startsWith('--')) throw new UsageError('--ep needs a list of execution providers, e.g. --ep webgpu,cpu');
  const { parseProviders, PROVIDER_ENV } = await import('../models/runtime.ts');
  try {
    parseProviders(list);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  process.env[PROVIDER_ENV] = list;
  return [...args.slice(0, at), ...args.slice(at + 2)];
}
