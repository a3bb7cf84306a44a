import type { ControllerDefinition } from './controller.ts';

/** Applies no action: the passive dynamics, and a baseline for every task. */
export const zeroController: ControllerDefinition = {
  id: 'zero',
  title: 'Zero',
  description: 'Sends zero to every actuator (passive dynamics).',
  params: [],
  create({ task }) {
    const action = new Float64Array(task.actionDim);
    return { setParams() {}, reset() {}, act: () => action, dispose() {} };
  },
};
