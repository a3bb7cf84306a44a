import type { ParamSpec } from '../sim/params.ts';
import { Random } from '../sim/random.ts';
import type { TaskInstance } from '../sim/task.ts';
import type { ControllerDefinition } from './controller.ts';

/** One slider per actuator, starting at the task's hold action. */
function jogParams(task: TaskInstance): ParamSpec[] {
  const start = task.holdAction?.(task.reset(new Random(0))) ?? new Float64Array(task.actionDim);
  return task.scene.actuators.map((a, i) => ({
    kind: 'number',
    key: a.name,
    label: a.name,
    default: Math.min(a.ctrlRange[1], Math.max(a.ctrlRange[0], start[i] ?? 0)),
    min: a.ctrlRange[0],
    max: a.ctrlRange[1],
    step: (a.ctrlRange[1] - a.ctrlRange[0]) / 200,
  }));
}

/** Joint sliders: sends each actuator the value of its slider (servo targets, or torques for motors). */
export const jogController: ControllerDefinition = {
  id: 'jog',
  title: 'Joint sliders',
  description: 'Drive every actuator from a slider: jog joints by hand.',
  params: [],
  paramsFor: jogParams,
  create({ task }, values) {
    const action = new Float64Array(task.actionDim);
    const apply = (v: Record<string, unknown>) => task.scene.actuators.forEach((a, i) => {
      if (typeof v[a.name] === 'number') action[i] = v[a.name] as number;
    });
    apply(values);
    return { setParams: apply, reset() {}, act: () => action, dispose() {} };
  },
};
