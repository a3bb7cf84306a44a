/**
 * MJCF height fields (`<asset><hfield>`): terrain as a grid of elevations, from a PNG (grey levels) or
 * written inline (`nrow`, `ncol`, `elevation`). As MuJoCo defines them: `size="rx ry elevation base"`
 * spans x ∈ [−rx, rx] and y ∈ [−ry, ry]; the data is normalised to [0, 1] (minus its minimum, over its
 * range) and the surface is `elevation · data` above the geom; the first row written (the top row of the
 * image) lies at +y, so the data is stored flipped, first row at −y, as MuJoCo's `hfield_data` is.
 */
import { readFileSync } from 'node:fs';
import { convertIndexedToRgb, decode } from 'fast-png';
import type { RobotGeometry } from '../robot/robot-model.ts';

export type HeightField = Extract<RobotGeometry, { type: 'hfield' }>;

export interface HeightFieldSpec {
  name: string;
  /** Resolved path of a PNG file, when the data comes from one. */
  file?: string;
  nrow?: number;
  ncol?: number;
  size?: number[];
  elevation?: number[];
}

/** Reads one `<hfield>`; throws an Error saying which attribute is wrong (the caller adds file:line). */
export function readHeightField(spec: HeightFieldSpec): HeightField {
  const { name, size } = spec;
  if (!size || size.length !== 4 || size.some((v) => !Number.isFinite(v)) || size[0]! <= 0 || size[1]! <= 0 || size[2]! < 0 || size[3]! < 0) {
    throw new Error(`hfield '${name}': size must be four numbers "radius_x radius_y elevation base" (the first two > 0), got "${size?.join(' ') ?? ''}"`);
  }
  const grid = spec.file ? pngGrid(spec.file, name) : inlineGrid(spec);
  return {
    type: 'hfield',
    name,
    rows: grid.rows,
    cols: grid.cols,
    halfExtents: [size[0]!, size[1]!],
    elevation: size[2]!,
    base: size[3]!,
    data: normalisedFlipped(grid),
  };
}

interface Grid {
  rows: number;
  cols: number;
  /** Row-major, first row as written (at +y). */
  values: ArrayLike<number>;
}

function inlineGrid({ name, nrow, ncol, elevation }: HeightFieldSpec): Grid {
  if (!Number.isInteger(nrow) || !Number.isInteger(ncol) || nrow! < 2 || ncol! < 2) {
    throw new Error(`hfield '${name}': give a PNG in 'file', or 'nrow' and 'ncol' (whole numbers ≥ 2) with 'elevation'`);
  }
  const rows = nrow!;
  const cols = ncol!;
  // No elevation: a flat field whose data MuJoCo leaves to be set at run time.
  const values = elevation ?? new Array<number>(rows * cols).fill(0);
  if (values.length !== rows * cols) throw new Error(`hfield '${name}': elevation has ${values.length} values, nrow × ncol is ${rows * cols}`);
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`hfield '${name}': elevation holds a value that is not a number`);
  return { rows, cols, values };
}

/** The image's grey level per pixel (the mean of its colour channels; alpha ignored). */
function pngGrid(file: string, name: string): Grid {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`hfield '${name}': cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!/\.png$/i.test(file)) throw new Error(`hfield '${name}': ${file} is not a PNG; height fields are read from PNG files or inline elevation`);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (err) {
    throw new Error(`hfield '${name}': ${file} is not a readable PNG (${(err as Error).message})`);
  }
  if (!png.palette && png.depth < 8) throw new Error(`hfield '${name}': ${file} has ${png.depth}-bit grey levels; save it with 8 or 16 bits per channel`);
  const data = png.palette ? convertIndexedToRgb(png) : png.data;
  const channels = png.palette ? png.palette[0]!.length : png.channels;
  const colours = channels === 2 || channels === 4 ? channels - 1 : channels;
  const values = new Float64Array(png.width * png.height);
  for (let p = 0; p < values.length; p++) {
    let sum = 0;
    for (let c = 0; c < colours; c++) sum += data[p * channels + c]!;
    values[p] = sum / colours;
  }
  if (png.height < 2 || png.width < 2) throw new Error(`hfield '${name}': ${file} is ${png.width}×${png.height} pixels; a height field needs at least 2×2`);
  return { rows: png.height, cols: png.width, values };
}

/** (v − min) / (max − min), rows reversed so the first stored row lies at −y. */
function normalisedFlipped({ rows, cols, values }: Grid): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const range = max - min;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[(rows - 1 - r) * cols + c] = range > 0 ? (values[r * cols + c]! - min) / range : 0;
  }
  return out;
}
