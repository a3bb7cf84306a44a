/**
 * Demonstrations relabelled with position targets (Diffusion Policy's PushT action): the label of step c
 * for actuator k is observation entry i_k at step c + lead, where the expert's commands took it. A
 * policy cloning targets learns a path, which is smooth and consistent even where the expert's commands
 * (a sampling planner's forces) are jittery; `diffusion-policy` tracks the path with a PD loop whose
 * gains are fitted here to the expert's own commands:
 *
 *   command ≈ kp·(target − x) − kd·(x − x_prev)      (least squares over every demonstrated step)
 *
 * so the tracked path asks for the commands the expert gave, smoothed.
 *
 * An episode whose actions are an expert's labels of states another controller reached (DAgger) shows
 * where the learner went, not where the expert would have: its targets are the ones for which the fitted
 * PD gives the expert's command in that state, x + (command + kd·(x − x_prev))/kp. The gains are fitted
 * on the episodes the expert drove itself.
 */
import type { DemoEpisodeData } from './demo-dataset.ts';

export interface PositionTargetOptions {
  /** The observation entry each actuator drives (one per action dimension). */
  observation: number[];
  /** Control steps ahead: the target of step c is the entry's value at step c + lead. */
  lead: number;
}

export interface PositionTracking extends PositionTargetOptions {
  kp: number[];
  kd: number[];
  /** Fraction of the commands' variance the fitted PD explains, per actuator. */
  r2: number[];
}

export function relabelWithPositionTargets(episodes: DemoEpisodeData[], obsDim: number, actionDim: number, options: PositionTargetOptions): { episodes: DemoEpisodeData[]; tracking: PositionTracking } {
  const { observation, lead } = options;
  if (observation.length !== actionDim) throw new Error(`position targets: ${observation.length} observation entries given, the actions have ${actionDim} dimensions (one entry per actuator)`);
  const bad = observation.find((i) => !Number.isInteger(i) || i < 0 || i >= obsDim);
  if (bad !== undefined) throw new Error(`position targets: observation entry ${bad} is not one of the observation's ${obsDim} entries (0 … ${obsDim - 1})`);
  if (!Number.isInteger(lead) || lead < 1) throw new Error(`position targets: the lead must be a whole number of control steps ≥ 1, got ${lead}`);
  const entry = (e: DemoEpisodeData, step: number, k: number) => e.observations[Math.min(e.steps - 1, Math.max(0, step)) * obsDim + observation[k]!]!;
  const driven = episodes.filter((e) => e.expert === undefined);
  if (!driven.length) throw new Error('position targets: every episode is expert-labelled; the tracking gains are fitted on episodes the expert drove itself, so give some of those too');
  const { kp, kd, r2 } = fitTracking(driven, actionDim, lead, entry, observation);
  const relabelled = episodes.map((e) => {
    const actions = new Float32Array(e.steps * actionDim);
    for (let c = 0; c < e.steps; c++) {
      for (let k = 0; k < actionDim; k++) {
        const x = entry(e, c, k);
        const velocity = c === 0 ? 0 : x - entry(e, c - 1, k);
        actions[c * actionDim + k] = e.expert === undefined ? entry(e, c + lead, k) : x + (e.actions[c * actionDim + k]! + kd[k]! * velocity) / kp[k]!;
      }
    }
    return { ...e, actions };
  });
  return { episodes: relabelled, tracking: { observation, lead, kp, kd, r2 } };
}

/** Least-squares fit of command = kp·(x[c + lead] − x[c]) − kd·(x[c] − x[c − 1]) per actuator. */
function fitTracking(episodes: DemoEpisodeData[], actionDim: number, lead: number, entry: (e: DemoEpisodeData, step: number, k: number) => number, observation: number[]): Pick<PositionTracking, 'kp' | 'kd' | 'r2'> {
  const kp: number[] = [];
  const kd: number[] = [];
  const r2: number[] = [];
  for (let k = 0; k < actionDim; k++) {
    // Normal equations of command = kp·error − kd·velocity, both per control step.
    let ee = 0, ev = 0, vv = 0, ea = 0, va = 0, aa = 0, a1 = 0, n = 0;
    for (const e of episodes) {
      for (let c = 0; c < e.steps; c++) {
        const x = entry(e, c, k);
        const error = entry(e, c + lead, k) - x;
        const velocity = c === 0 ? 0 : x - entry(e, c - 1, k);
        const a = e.actions[c * actionDim + k]!;
        ee += error * error;
        ev += error * velocity;
        vv += velocity * velocity;
        ea += error * a;
        va += velocity * a;
        aa += a * a;
        a1 += a;
        n++;
      }
    }
    const det = ee * vv - ev * ev;
    if (!(Math.abs(det) > 1e-12 * Math.max(1, ee * vv))) throw new Error(`position targets: observation entry ${observation[k]} does not move in the demonstrations, so no PD can be fitted for actuator ${k}`);
    const p = (ea * vv - va * ev) / det;
    const minusD = (va * ee - ea * ev) / det;
    if (!(p > 0)) throw new Error(`position targets: actuator ${k}'s commands do not push observation entry ${observation[k]} toward its future value (fitted kp ${p.toPrecision(3)}); pick the entry the actuator moves`);
    kp.push(p);
    kd.push(-minusD);
    // Residual sum of squares of the fit over the commands' spread about their mean.
    const residual = aa - 2 * (p * ea + minusD * va) + p * p * ee + 2 * p * minusD * ev + minusD * minusD * vv;
    const spread = aa - (a1 * a1) / n;
    r2.push(spread > 0 ? 1 - residual / spread : 0);
  }
  return { kp, kd, r2 };
}
