/**
 * The `actuate` command line. Exit codes: 0 ok, 1 failure, 2 usage error. Each command's module is
 * imported only when it runs, so `actuate tasks` does not load ONNX Runtime, Rapier or the server.
 */
import { UsageError } from './usage-error.ts';

const USAGE = `usage: actuate <command> [options]

  tasks [--json]                     list tasks and their default controllers
  controllers [--json]               list controllers
  run (--task T | --robot FILE) [--controller C] [--seconds S] [--seed N] [--set key=value …] [--json]
                                     run the closed loop headless (keys: task.<param>, controller.<param>, cost.<term>);
                                     without --controller, the task's default controller
  serve [--port P] [--host H] [--no-token] [--models DIR …] [--robots DIR …] [--runs DIR …]
                                     serve the studio and the engine protocol on 127.0.0.1 (or --host), guarded by a new
                                     random token (printed once in the address; --no-token on loopback only; --token T or
                                     ACTUATE_TOKEN to choose it); clients open files only in assets/, models/ and the
                                     --models (also offered in the pickers), --robots and --runs folders
  robot inspect <file> [--package name=dir …] [--floating] [--json]
                                     summarise a URDF or MJCF robot (exit 1 with the error for a bad file)
  policy info <model.onnx> [--json]  inputs, outputs, shapes, dtypes, opset, producer, parameter count
  policy check <model.onnx> --card <card.json>
                                     validate a model card and that it matches the model (exit 1 with the error)
  policy run <model.onnx> --input <file.json> [--json]
                                     feed named inputs ({"obs": [[…]]}) and print the named outputs
  bench [--json] [--only NAME…]      run the benchmarks

  --ep LIST                          ONNX Runtime execution providers to try, in order (cuda, dml, coreml,
                                     webgpu, cpu; e.g. --ep webgpu,cpu); default: the platform's order`;

/** Each command: what it prints (if anything) and its exit code. */
const COMMANDS: Record<string, (args: string[], json: boolean) => Promise<number>> = {
  tasks: async (_args, json) => print(await (await import('./commands/list.ts')).listTasks(json)),
  controllers: async (_args, json) => print(await (await import('./commands/list.ts')).listControllers(json)),
  run: async (args) => print(await (await import('./commands/run.ts')).runCommand(args)),
  robot: async (args) => print((await import('./commands/robot.ts')).robotCommand(args)),
  policy: async (args) => print(await (await import('./commands/policy.ts')).policyCommand(args)),
  serve: async (args) => {
    await (await import('./commands/serve.ts')).serveCommand(args);
    return 0;
  },
  bench: async (args) => (await import('../bench/bench-command.ts')).benchCommand(args),
};

function print(text: string): number {
  console.log(text);
  return 0;
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
