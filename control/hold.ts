import type { ControllerDefinition } from './controller.ts';

/**
 * Holds the pose the task gives at reset (servo targets = default pose), or sends zero where the task
 * has no servos: PD control of a standing robot or a parked arm.
 */
export const holdController: ControllerDefinition = {
  id: 'hold',
  title: 'Hold pose',
  description: "Sends the task's hold action from the start of the episode: position servos keep the default pose.",
  params: [],
  create({ task }) {
    let action: Float64Array | undefined;
    return {
      setParams() {},
      reset() {
        action = undefined;
      },
      act(state) {
        action ??= task.holdAction?.(state) ?? new Float64Array(task.actionDim);
        return action;
      },
      dispose() {},
    };
  },
};
