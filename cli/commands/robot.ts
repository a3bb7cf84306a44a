/** `actuate robot inspect <file> [--package name=dir …] [--json]`. */
import { parseArgs } from 'node:util';
import { importRobot } from '../../sim/importers/import-robot.ts';
import { parsePackageOptions } from '../../sim/importers/resolve-path.ts';
import { summarize, type RobotSummary } from '../../sim/robot/inspect.ts';
import { UsageError } from '../usage-error.ts';

export function robotCommand(argv: string[]): string {
  const [sub, ...rest] = argv;
  if (sub !== 'inspect') throw new UsageError(`unknown robot command '${sub ?? ''}'; use: actuate robot inspect <file>`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      package: { type: 'string', multiple: true, default: [] },
      floating: { type: 'boolean' },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('robot inspect needs a robot file (.urdf, .xml)');
  let packages;
  try {
    packages = parsePackageOptions(values.package!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const summary = summarize(importRobot(file, { packages, ...(values.floating !== undefined ? { floatingBase: values.floating } : {}) }));
  return values.json ? JSON.stringify(summary) : describe(summary);
}

function describe(s: RobotSummary): string {
  const lines = [
    `${s.name} (${s.format}): ${s.links} links, ${s.joints} joints (${s.actuatedJoints} actuated), ${s.actuators} actuators, ${s.sensors} sensors`,
    `  mass ${s.totalMass} kg, ${s.floatingBase ? 'floating base' : 'fixed base'}, meshes ${s.meshes.total} (${s.meshes.missing} missing)`,
    ...s.jointList
      .filter((j) => j.type !== 'fixed')
      .map((j) => `  ${j.name.padEnd(28)} ${j.type.padEnd(10)} ${j.lower !== undefined ? `[${j.lower.toFixed(3)}, ${j.upper?.toFixed(3)}]` : ''}`),
    ...s.warnings.map((w) => `  warning: ${w}`),
  ];
  return lines.join('\n');
}
