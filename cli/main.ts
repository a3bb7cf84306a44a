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
  policy info <model.onnx> [--json]  inputs, outputs, shapes, dtypes, opset, producer, parameter count
  policy check <model.onnx> --card <card.json>
                                     validate a model card and that it matches the model (exit 1 with the error)
  policy run <model.onnx> --input <file.json> [--json]
                                     feed named inputs ({"obs": [[…]]}) and print the named outputs
  train --task T --algo ppo --out DIR [--envs N] [--workers W] [--minutes M | --steps N] [--seed S]
        [--set task.key=value …] [--resume DIR] [--json]
                                     train a policy; DIR gets metrics.jsonl, checkpoint.json, policy.onnx + policy.card.json
  eval --task T --controller C [--episodes N] [--seed S] [--set key=value …] [--json]
                                     run N episodes: success rate, return mean and spread, task metrics
  bench [--json] [--only NAME…]      run the benchmarks

  --ep LIST                          ONNX Runtime execution providers to try, in order (cuda, dml, coreml,
                                     webgpu, cpu; e.g. --ep webgpu,cpu); default: the platform's order`;

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
      case 'robot':
        console.log(robotCommand(rest));
        return 0;
      case 'policy':
        console.log(await policyCommand(rest));
        return 0;
      case 'serve':
        await serveCommand(rest);
        return 0;
      case 'train': {
        // Loaded on demand: training pulls in workers and the learner, which other commands never need.
        const { trainCommand } = await import('./commands/train.ts');
        console.log(await trainCommand(rest));
        return 0;
      }
      case 'eval': {
        const { evalCommand } = await import('./commands/eval.ts');
        console.log(await evalCommand(rest));
        return 0;
      }
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
