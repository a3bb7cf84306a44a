/**
 * Recording and playback as the studio sees them: the live session's recording (the Record button)
 * and a recording opened for playback, already laid out for drawing — body poses per frame in scene
 * order and every recorded numeric signal as a series.
 */
import type { PlanEvent } from './api.ts';
import type { SceneDescription } from './scene.ts';

export interface RecordingStatus {
  /** True while the live session is being recorded. */
  active: boolean;
  /** The file being (or last) recorded. */
  path?: string;
  /** Session seconds recorded so far (or in all, once stopped). */
  seconds?: number;
  /** Messages dropped because the disk could not keep up, per topic (a slow disk never stalls the session). */
  dropped?: Record<string, number>;
  /** Where the Record button writes; absent when the engine has no folder for recordings (start serve with --runs DIR). */
  folder?: string;
}

export interface RecordingListing {
  /** The folders searched (each `--runs` folder's recordings/). */
  folders: string[];
  files: string[];
}

/** One recorded topic's numeric fields: `names.length` values per time, row after row (NaN where a message lacks the field). */
export interface PlaybackSeries {
  /** The topic (`/cost`, `/joint_states`); its signals are named `${group} / ${field}`. */
  group: string;
  /** Field paths: `total`, `terms.upright`, `position.elbow`. */
  names: string[];
  /** Seconds since the recording's first message. */
  times: Float64Array;
  values: Float32Array;
}

/** A plot of recorded signals, each named `${topic} / ${field}`. */
export interface PlaybackPlot {
  title: string;
  signals: string[];
}

export interface PlaybackData {
  file: string;
  /** The task and controller recorded (their last settings). */
  task?: string;
  controller?: string;
  /** The recorded scene; meshes come from the live scene when it is the same robot (recordings leave them out). */
  scene: SceneDescription;
  /** Seconds from the first message to the last. */
  duration: number;
  /** Frame times (s since the first message) and body poses: frames × bodies × 7 (position, quaternion x y z w). */
  times: Float64Array;
  poses: Float32Array;
  series: PlaybackSeries[];
  /** The plots shown when the playback opens (the user adds and removes signals from there). */
  plots: PlaybackPlot[];
  /** The planner's trajectories as recorded (`/plan`), their `time` on the recording's clock; none for controllers that do not plan. */
  plans: PlanEvent[];
  /** What the reader or the builder had to say: a file cut off by a crash, frames thinned out, meshes missing. */
  notes: string[];
}
