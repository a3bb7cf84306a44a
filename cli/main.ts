/** The `actuate` command line. Exit codes: 0 ok, 1 failure, 2 usage error. */
import { benchCommand } from '../bench/bench-command.ts';
import { parseProviders, PROVIDER_ENV } from '../models/runtime.ts';
import { listControllers, listTasks } from './commands/list.ts';
import { policyCommand } from './commands/policy.ts';
import { robotCommand } from './commands/robot.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: actuate <command> [options]

  tasks [--json]                     list tasks
  controllers [--json]               list controllers
  run (--task T | --robot FILE) [--controller C] [--seconds S] [--seed N] [--set key=value …] [--json]
                                     run the closed loop headless (keys: task.<param>, controller.<param>, cost.<term>)
  serve [--port P] [--host H] [--token T] [--models DIR …]
                                     serve the studio and the engine protocol (127.0.0.1 unless --host; other hosts need --token);
                                     --models adds a folder of .onnx models and cards to the studio's pickers
  robot inspect <file> [--package name=dir …] [--floating] [--json]
                                     summarise a URDF or MJCF robot (exit 1 with the error for a bad file)
  robot ports [--json]               list serial ports
  robot scan --bus dynamixel|feetech --port P [--baud B] [--ids 1-20] [--timeout MS] [--json]
                                     ping servo IDs on a bus: [{id, model, firmware}]
  robot read --robot FILE [--port P] [--json]
                                     read joint positions, velocities, load, temperature, voltage, faults (torque stays off)
  robot calibrate --robot FILE [--port P] [--yes --seconds S] [--out FILE]
                                     set each joint's middle and record its range; saves the calibration into FILE
  robot virtual-bus --bus dynamixel|feetech --servo ID:MODEL …
                                     a virtual servo bus on a pseudo-terminal (needs socat), for trying the above
  deploy --robot FILE --controller hold|sine [--rate Hz] [--seconds S] [--port P] [--log FILE] [--dry-run] [--json]
                                     run a controller on a real robot with the safety layer; loop statistics and a JSONL log
  policy info <model.onnx> [--json]  inputs, outputs, shapes, dtypes, opset, producer, parameter count
  policy check <model.onnx> --card <card.json>
                                     validate a model card and that it matches the model (exit 1 with the error)
  policy run <model.onnx> --input <file.json> [--json]
                                     feed named inputs ({"obs": [[…]]}) and print the named outputs
  bench [--json] [--only NAME…]      run the benchmarks

  --ep LIST                          ONNX Runtime execution providers to try, in order (cuda, dml, coreml,
                                     webgpu, cpu; e.g. --ep webgpu,cpu); default: the platform's order`;

/** `actuate robot …` subcommands that talk to a serial bus (loaded on demand). */
const ROBOT_BUS_COMMANDS = new Set(['ports', 'scan', 'read', 'calibrate', 'virtual-bus']);

export async function main(argv: string[]): Promise<number> {
  const [command, ...options] = argv;
  const json = options.includes('--json');
  try {
    const rest = takeExecutionProviders(options);
    switch (command) {
      case 'tasks':
        console.log(listTasks(json));
        return 0;
      case 'controllers':
        console.log(listControllers(json));
        return 0;
      case 'run':
        console.log(await runCommand(rest));
        return 0;
      case 'robot': {
        // Bus commands load serialport: only when asked for, so every other command starts fast.
        if (ROBOT_BUS_COMMANDS.has(rest[0] ?? '')) {
          const { robotBusCommand } = await import('./commands/robot-bus.ts');
          const out = await robotBusCommand(rest);
          if (out) console.log(out);
        } else console.log(robotCommand(rest));
        return 0;
      }
      case 'deploy': {
        const { deployCommand } = await import('./commands/deploy.ts');
        return await deployCommand(rest);
      }
      case 'policy':
        console.log(await policyCommand(rest));
        return 0;
      case 'serve':
        await serveCommand(rest);
        return 0;
      case 'bench':
        return await benchCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    const e = err as Error & { code?: string };
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
function takeExecutionProviders(args: string[]): string[] {
  const at = args.indexOf('--ep');
  if (at < 0) return args;
  const list = args[at + 1];
  if (!list || list.startsWith('--')) throw new UsageError('--ep needs a list of execution providers, e.g. --ep webgpu,cpu');
  try {
    parseProviders(list);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  process.env[PROVIDER_ENV] = list;
  return [...args.slice(0, at), ...args.slice(at + 2)];
}
