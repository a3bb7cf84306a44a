#!/usr/bin/env node
// The task × controller success matrix, from real closed-loop runs: every task with every controller
// that can run it, on several seeds, each episode as long as the task says and judged by the task's
// own success metric (engine/run-episode.ts, what `actuate run` runs). Writes docs/success-matrix.md.
//
// Raw results are kept in docs/success-matrix.json: cells already measured are skipped, so a stopped
// run continues where it was; after a change, `--fresh --tasks a --controllers x` measures those cells
// again and the table still shows every other one.
//
//   node scripts/success-matrix.mjs [--seeds 3] [--tasks a,b] [--controllers x,y] [--fresh]
//
// Takes a while (hours on 2 busy cores for every cell): run it with `nice -n 10`, in the background.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

register();
const { runEpisode } = await import('../engine/run-episode.ts');
const { TASKS } = await import('../sim/tasks/index.ts');
const { CONTROLLERS } = await import('../control/registry.ts');

/** Controllers left out of the matrix, and why. */
const LEFT_OUT = {
  jog: 'joint sliders moved by hand: with untouched sliders it is `hold`',
};
const RESULTS = new URL('../docs/success-matrix.json', import.meta.url);
const TABLE = new URL('../docs/success-matrix.md', import.meta.url);

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '3' },
    tasks: { type: 'string' },
    controllers: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a whole number ≥ 1, got '${values.seeds}'`);
const pick = (list, ids, what) => {
  if (!ids) return list;
  const wanted = ids.split(',');
  for (const id of wanted) if (!list.some((x) => x.id === id)) throw new Error(`unknown ${what} '${id}'; available: ${list.map((x) => x.id).join(', ')}`);
  return list.filter((x) => wanted.includes(x.id));
};
const tasks = pick(TASKS, values.tasks, 'task');
const controllers = pick(CONTROLLERS, values.controllers, 'controller').filter((c) => !(c.id in LEFT_OUT));

/** `task/controller` → { runs: RunResult-like per seed } or { unavailable: reason }. */
const results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
const save = () => {
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(TABLE, markdown());
};

// Cheapest and most telling first, so an interrupted run still has the cells that matter: every task's
// default controller, then the controllers that do not plan, then planners, light scenes before heavy ones.
const { defaults } = await import('../sim/params.ts');
const SAMPLING = new Set(['mppi', 'predictive-sampling', 'cem']);
const weight = new Map(tasks.map((t) => {
  const instance = t.build(defaults(t.params));
  return [t.id, (instance.timing.episodeSeconds / instance.scene.timestep) * instance.scene.bodies.length];
}));
const rank = ({ task, controller }) => [controller.id === task.defaultController ? 0 : 1, SAMPLING.has(controller.id) ? 1 : 0, weight.get(task.id)];
const cells = tasks.flatMap((task) => controllers.map((controller) => ({ task, controller })));
cells.sort((a, b) => {
  const [x, y] = [rank(a), rank(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
});
for (const { task, controller } of cells) {
  const key = `${task.id}/${controller.id}`;
  // Cells measured before (with as many seeds) are kept: an interrupted run picks up where it stopped.
  if (!values.fresh && (results[key]?.unavailable || results[key]?.runs?.length >= seeds)) continue;
  const cell = { runs: [] };
  for (let seed = 0; seed < seeds; seed++) {
    let run;
    try {
      run = await runEpisode({ taskId: task.id, controllerId: controller.id, seed });
    } catch (err) {
      // The controller cannot start on this task (a model file to choose, a card for another robot).
      results[key] = { unavailable: String(err.message).split('\n')[0] };
      break;
    }
    cell.runs.push({ seed, success: run.success, metrics: run.metrics, wallSeconds: run.wallSeconds, ...(run.error ? { error: run.error } : {}) });
    console.log(`${key} seed ${seed}: ${run.success ? 'success' : 'not solved'} ${JSON.stringify(run.metrics)} (${run.wallSeconds} s)${run.error ? ` — ${run.error}` : ''}`);
  }
  if (cell.runs.length) results[key] = cell;
  else console.log(`${key}: cannot run — ${results[key].unavailable}`);
  save();
}

function markdown() {
  const allControllers = CONTROLLERS.filter((c) => !(c.id in LEFT_OUT));
  const head = ['task', 'headline metric', ...allControllers.map((c) => `\`${c.id}\``)];
  const rows = TASKS.map((task) => {
    const metric = headlineMetric(task);
    return [`\`${task.id}\``, metric ?? '', ...allControllers.map((c) => cellText(results[`${task.id}/${c.id}`], metric, c.id === task.defaultController))];
  });
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const defaults = TASKS.map((task) => {
    const runs = results[`${task.id}/${task.defaultController}`]?.runs ?? [];
    const wall = runs.length ? `${(runs.reduce((s, r) => s + r.wallSeconds, 0) / runs.length).toFixed(1)} s` : 'not run';
    return line([`\`${task.id}\``, `\`${task.defaultController}\``, wall]);
  });
  return [
    '# Task × controller success matrix',
    '',
    'Generated by `node scripts/success-matrix.mjs` from real closed-loop runs (do not edit by hand): every task',
    "with every controller that can run it, seeds 0, 1, 2 …, each episode as long as the task's own",
    "`episodeSeconds` with the controller's defaults and the task's planner settings, judged by the task's own",
    'success metric (`actuate run --task T --controller C --seed N` runs one cell once).',
    '',
    "A cell shows successes / seeds and the mean of the task's headline metric; **bold** marks the task's",
    'default controller (what `actuate run` and the studio use); "—" a controller that cannot run the task',
    'with its defaults (it needs a model file, or its model is for another robot); "not run" a cell this run left out.',
    `Left out: ${Object.entries(LEFT_OUT).map(([id, why]) => `\`${id}\` (${why})`).join('; ')}.`,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
    'Why "—":',
    '',
    ...unavailableReasons(),
    '',
    '## Default controllers: mean wall time per episode',
    '',
    'Measured during the run above, on the machine that made it (its load shows here too).',
    '',
    line(['task', 'default controller', 'wall time per episode']),
    line(['---', '---', '---']),
    ...defaults,
    '',
  ].join('\n');
}

/** One line per reason a controller cannot run, with the tasks it applies to. */
function unavailableReasons() {
  const byReason = new Map();
  for (const [key, cell] of Object.entries(results)) {
    if (!cell.unavailable) continue;
    const [task, controller] = key.split('/');
    // A card that names another robot's joints lists them all: the first clause says enough.
    const reason = cell.unavailable.replace(/; robot joints: .*/, '');
    const entry = byReason.get(`${controller}: ${reason}`) ?? [];
    byReason.set(`${controller}: ${reason}`, [...entry, task]);
  }
  return [...byReason].map(([reason, tasks]) => `- \`${reason.split(':')[0]}\` on ${tasks.map((t) => `\`${t}\``).join(', ')}:${reason.slice(reason.indexOf(':') + 1)}`);
}

/** The first metric a task reports is its headline (uprightFraction, finalDistance, heightDrift, …). */
function headlineMetric(task) {
  for (const c of CONTROLLERS) {
    const run = results[`${task.id}/${c.id}`]?.runs?.[0];
    if (run) return Object.keys(run.metrics)[0];
  }
  return undefined;
}

function cellText(cell, metric, isDefault) {
  if (!cell) return 'not run';
  if (cell.unavailable) return '—';
  const ok = cell.runs.filter((r) => r.success).length;
  const values = cell.runs.map((r) => r.metrics[metric]).filter((v) => typeof v === 'number');
  const mean = values.length ? values.reduce((s, v) => s + v, 0) / values.length : undefined;
  const rate = `${ok}/${cell.runs.length}`;
  const text = `${isDefault ? `**${rate}**` : rate}${mean === undefined ? '' : ` · ${formatMetric(mean)}`}`;
  return cell.runs.some((r) => r.error) ? `${text} (controller error)` : text;
}

function formatMetric(x) {
  return Math.abs(x) >= 100 || x === 0 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();
}
