/** `actuate record`: a headless run recorded to MCAP (`run … --record FILE`), then what the file holds. */
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.ts';
import { replayCommand } from './replay.ts';
import { runCommand } from './run.ts';

export async function recordCommand(argv: string[]): Promise<string> {
  const { values, tokens } = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: false, tokens: true });
  const out = values.out;
  if (typeof out !== 'string' || out === '' || out.startsWith('--')) throw new UsageError('--out FILE.mcap is required');
  // Everything but --out goes to `run` unchanged.
  const outToken = tokens.find((t) => t.kind === 'option' && t.name === 'out');
  const separate = outToken?.kind === 'option' && outToken.inlineValue === false;
  const rest = argv.filter((_, i) => i !== outToken?.index && !(separate && i === outToken.index + 1));
  const json = rest.includes('--json');
  const run = await runCommand([...rest, '--record', out]);
  const summary = await replayCommand([out, ...(json ? ['--json'] : [])]);
  return json ? JSON.stringify({ run: JSON.parse(run), recording: JSON.parse(summary) }) : `${run}\n${summary}`;
}
