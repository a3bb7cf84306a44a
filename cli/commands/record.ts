/**
 * `actuate record`: a headless run recorded to MCAP (`run … --record FILE`), then what the file holds.
 * With `--episodes N`: N episodes (seeds S … S+N−1) recorded as demonstrations for `actuate train
 * --algo diffusion` (engine/record-demonstrations.ts); with `--expert E` as well, the controller drives
 * and E's actions in the states it reaches are recorded (DAgger); with `--exec-noise σ`, the controller's
 * actions are executed with noise and its clean ones recorded (DART).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { recordDemonstrations } from '../../engine/record-demonstrations.ts';
import { EPISODE_OPTIONS, episodeSpec, parseEngine, parseEpisodeOptions } from '../episode-options.ts';
import { UsageError } from '../usage-error.ts';
import { replayCommand } from './replay.ts';
import { runCommand } from './run.ts';

export async function recordCommand(argv: string[]): Promise<string> {
  const { values, tokens } = parseArgs({ args: argv, options: { out: { type: 'string' }, episodes: { type: 'string' } }, strict: false, tokens: true });
  const out = values.out;
  if (typeof out !== 'string' || out === '' || out.startsWith('--')) throw new UsageError('--out FILE.mcap is required');
  if (values.episodes !== undefined) return recordEpisodes(argv);
  for (const flag of ['--expert', '--exec-noise']) if (argv.some((a) => a === flag || a.startsWith(`${flag}=`))) throw new UsageError(`${flag} goes with --episodes N`);
  // Everything but --out goes to `run` unchanged.
  const outToken = tokens.find((t) => t.kind === 'option' && t.name === 'out');
  const separate = outToken?.kind === 'option' && outToken.inlineValue === false;
  const rest = argv.filter((_, i) => i !== outToken?.index && !(separate && i === outToken.index + 1));
  const json = rest.includes('--json');
  const run = await runCommand([...rest, '--record', out]);
  const summary = await replayCommand([out, ...(json ? ['--json'] : [])]);
  return json ? JSON.stringify({ run: JSON.parse(run), recording: JSON.parse(summary) }) : `${run}\n${summary}`;
}

async function recordEpisodes(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: { ...EPISODE_OPTIONS, out: { type: 'string' }, episodes: { type: 'string' }, expert: { type: 'string' }, 'exec-noise': { type: 'string' }, engine: { type: 'string', default: 'rapier' }, json: { type: 'boolean', default: false } },
  });
  const episodes = Number(values.episodes);
  if (!Number.isInteger(episodes) || episodes < 1) throw new UsageError(`--episodes must be a whole number ≥ 1, got '${values.episodes}'`);
  const choice = parseEpisodeOptions(values);
  const spec = episodeSpec(choice);
  const expert = values.expert === undefined ? undefined : { controllerId: values.expert, params: choice.set.expert };
  const execNoise = values['exec-noise'] === undefined ? undefined : Number(values['exec-noise']);
  if (execNoise !== undefined && !(execNoise >= 0 && Number.isFinite(execNoise))) throw new UsageError(`--exec-noise must be a number ≥ 0 (σ as a fraction of each actuator's half range), got '${values['exec-noise']}'`);
  if (execNoise !== undefined && expert) throw new UsageError('--exec-noise (DART: the controller drives with noise, its clean actions are recorded) and --expert (DAgger) do not go together; give one');
  const engine = parseEngine(values.engine!);
  const progress = !values.json && process.stderr.isTTY;
  let summary;
  try {
    summary = await recordDemonstrations({
      ...spec,
      engine,
      episodes,
      ...(expert ? { expert } : {}),
      ...(execNoise !== undefined ? { execNoise } : {}),
      out: resolve(values.out!),
      onEpisode: (r) => {
        if (r.error) throw new Error(`episode ${r.index} (seed ${r.seed}): ${r.error}`);
        const line = `episode ${r.index + 1}/${episodes} (seed ${r.seed}): ${r.success ? 'success' : 'not solved'}, return ${r.return}`;
        if (progress) process.stderr.write(`\r${line}\x1b[K`);
        else if (!values.json) process.stderr.write(`${line}\n`);
      },
    });
  } catch (err) {
    if ((err as Error).name === 'ParamError') throw new UsageError((err as Error).message);
    throw err;
  }
  if (progress) process.stderr.write('\n');
  if (values.json) return JSON.stringify(summary);
  return [
    `recorded ${summary.episodes} episodes of ${summary.task} with ${summary.controller}${summary.expert ? ` labelled by ${summary.expert}` : ''} (${summary.successes} successful, ${summary.steps} control steps) in ${summary.wallSeconds} s`,
    `  demonstrations: ${summary.path}`,
    `  train on them: actuate train --algo diffusion --demos ${summary.path} --out DIR`,
  ].join('\n');
}
