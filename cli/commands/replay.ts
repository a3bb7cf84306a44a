/** `actuate replay FILE [--json]`: what an MCAP recording holds — duration, topics, counts, gaps. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readRecording } from '../../bridges/recording/read-recording.ts';
import { summarizeRecording, type RecordingSummary } from '../../bridges/recording/recording-summary.ts';
import { UsageError } from '../usage-error.ts';

export async function replayCommand(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('replay needs a FILE.mcap');
  if (extra.length) throw new UsageError(`replay takes one file, got also '${extra.join(' ')}'`);
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const summary = summarizeRecording(await readRecording(file));
  if (summary.messages === 0 && summary.profile === '' && summary.recoveryNote) throw new Error(`${file}: not a readable MCAP file (${summary.recoveryNote})`);
  return values.json ? JSON.stringify(summary) : describe(summary);
}

function describe(s: RecordingSummary): string {
  const width = Math.max(...s.topics.map((t) => t.topic.length), 5);
  return [
    `${s.file}: ${s.durationSeconds} s, ${s.messages} messages, ${s.indexed ? 'indexed' : `not indexed (recovered; ${s.recoveryNote ?? 'no summary'})`}`,
    ...(s.startTime ? [`  starts ${s.startTime}`] : []),
    ...s.topics.map((t) => `  ${t.topic.padEnd(width)}  ${String(t.messages).padStart(7)} msgs  ${String(t.rateHz).padStart(8)} Hz  max gap ${t.maxGapSeconds} s  ${t.schema}`),
    s.gaps.length ? `  gaps: ${s.gaps.slice(0, 5).map((g) => `${g.topic} ${g.seconds} s at ${g.from} s`).join('; ')}` : '  no gaps',
  ].join('\n');
}
