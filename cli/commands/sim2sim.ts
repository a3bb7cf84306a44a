/**
 * `actuate sim2sim (--robot FILE | --task T) [--controller C] [--seconds S] [--seed N] [--set …] [--json]`:
 * the same controller in Rapier and in MuJoCo from the same start; both runs' metrics and how far
 * the two drift apart (engine/sim2sim.ts).
 */
import { parseArgs } from 'node:util';
import { sim2sim, type Divergence, type Sim2simResult } from '../../engine/sim2sim.ts';
import { EPISODE_OPTIONS, parseEpisodeOptions, episodeSpec } from '../episode-options.ts';
import { UsageError } from '../usage-error.ts';

export async function sim2simCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...EPISODE_OPTIONS,
      'sample-every': { type: 'string', default: '0.1' },
      json: { type: 'boolean', default: false },
    },
  });
  const episode = episodeSpec(parseEpisodeOptions(values));
  const sampleEvery = Number(values['sample-every']);
  if (!(sampleEvery > 0)) throw new UsageError(`--sample-every must be a positive number of seconds, got '${values['sample-every']}'`);
  let result: Sim2simResult;
  try {
    result = await sim2sim({
      ...episode,
      sampleEvery,
    });
  } catch (err) {
    if ((err as Error).name === 'ParamError') throw new UsageError((err as Error).message);
    throw err;
  }
  return values.json ? JSON.stringify(result) : describe(result);
}

function describe(r: Sim2simResult): string {
  const metrics = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(' ');
  const div = (d: Divergence) => `base ${d.basePosition.toFixed(3)} m, heading ${d.heading.toFixed(3)} rad, joints RMS ${d.jointRms.toFixed(3)}`;
  return [
    `${r.task} with ${r.controller} (seed ${r.seed}), ${r.seconds} s in both engines (MuJoCo model: ${r.mujocoModel === 'mjcf-file' ? 'the MJCF file itself' : 'the scene written as MJCF'})`,
    ...Object.entries(r.runs).map(([engine, run]) =>
      `  ${engine.padEnd(6)} ${run.success ? 'SUCCESS' : 'not solved'}${run.error ? ` — ${run.error}` : ''}, return ${run.return}, ${run.controlStepUs} µs per control step\n         ${metrics(run.metrics)}`,
    ),
    `  divergence at the end: ${div(r.divergence.final)}`,
    `  largest divergence:    ${div(r.divergence.max)}`,
  ].join('\n');
}
