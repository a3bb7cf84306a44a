/** The controller registry: adding a controller is one file and one line here. */
import { ParamError } from '../sim/params.ts';
import type { ControllerDefinition } from './controller.ts';
import { diffusionPolicy } from './diffusion/diffusion-policy.ts';
import { holdController } from './hold.ts';
import { jogController } from './jog.ts';
import { cem } from './sampling/cem.ts';
import { mppi } from './sampling/mppi.ts';
import { onnxPolicy } from './policy/onnx-policy.ts';
import { predictiveSampling } from './sampling/predictive-sampling.ts';
import { worldModelMpc } from './world-model/world-model-mpc.ts';
import { zeroController } from './zero.ts';

export const CONTROLLERS: readonly ControllerDefinition[] = [mppi, predictiveSampling, cem, holdController, jogController, zeroController, onnxPolicy, diffusionPolicy, worldModelMpc];

export function findController(id: string): ControllerDefinition {
  const c = CONTROLLERS.find((d) => d.id === id);
  if (!c) throw new ParamError(`unknown controller '${id}'; available: ${CONTROLLERS.map((d) => d.id).join(', ')}`);
  return c;
}
