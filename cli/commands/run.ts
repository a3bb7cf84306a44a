/** `actuate run`: the closed loop headless, as fast as it can. */
import { parseArgs } from 'node:util';
import { runEpisode, type RunResult } from '../../engine/run-episode.ts';
import { resolve } from 'node:path';
import { EPISODE_OPTIONS, parseEngine, parseEpisodeOptions, episodeSpec } from '../episode-options.ts';
import { takeRosOptions } from '../ros-options.ts';
import { UsageError } from '../usage-error.ts';

export async function runCommand(argv: string[]): Promise<string> {
  const { rest, ros } = takeRosOptions(argv);
  const { values } = parseArgs({
    args: rest,
    options: {
      ...EPISODE_OPTIONS,
      json: { type: 'boolean', default: false },
      record: { type: 'string' },
      engine: { type: 'string', default: 'rapier' },
    },
  });
  const episode = episodeSpec(parseEpisodeOptions(values));
  const engine = parseEngine(values.engine!);
  const showProgress = !values.json && process.stderr.isTTY;
  let result: RunResult;
  try {
    result = await runEpisode({
      ...episode,
      ...(values.record ? { record: resolve(values.record) } : {}),
      engine,
      ...(ros.ros1 ? { ros1: { ...ros.ros1, onStatus: (m: string) => process.stderr.write(`${showProgress ? '\n' : ''}ros1: ${m}\n`) } } : {}),
      ...(ros.rosbridge ? { rosbridge: { ...ros.rosbridge, onStatus: (m: string) => process.stderr.write(`${showProgress ? '\n' : ''}rosbridge: ${m}\n`) } } : {}),
      onProgress: showProgress ? (t, total) => process.stderr.write(`\r${progressBar(t / total)} ${t.toFixed(1)}/${total} s`) : undefined,
    });
  } catch (err) {
    if ((err as Error).name === 'ParamError') throw new UsageError((err as Error).message);
    throw err;
  }
  if (showProgress) process.stderr.write('\n');
  // Warnings go to stderr, so --json output stays one parseable line.
  for (const w of result.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  if (values.json) return JSON.stringify(result);
  return describe(result);
}

function progressBar(fraction: number): string {
  const width = 30;
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function describe(r: RunResult): string {
  const metrics = Object.entries(r.metrics).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(' ');
  return [
    `${r.task} with ${r.controller} in ${r.engine} (seed ${r.seed}): ${r.success ? 'SUCCESS' : 'not solved'}${r.error ? ` — ${r.error}` : ''}`,
    `  ${r.simSeconds} s simulated in ${r.wallSeconds} s (${r.steps} control steps), return ${r.return}`,
    `  metrics: ${metrics}`,
    `  physics step ${r.timing.physicsStepUs} µs, plan ${r.timing.planMs.mean} ms (p99 ${r.timing.planMs.p99}), ${r.timing.replanHz} plans/s`,
    ...(r.recording ? [`  recorded to ${r.recording}`] : []),
    ...(r.recordingDropped ? [`  recording dropped messages (the disk could not keep up): ${Object.entries(r.recordingDropped).map(([t, n]) => `${t} ${n}`).join(', ')}`] : []),
  ].join('\n');
}
