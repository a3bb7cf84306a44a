/**
 * A learner that drives while an expert labels (DAgger, Ross et al. 2011): at every control step both
 * are asked for the same state; the learner's action is applied, the expert's is handed to `onLabel`.
 * Demonstrations recorded this way show the expert's answer in the states the learner actually reaches —
 * including the ones it drifts into and no expert demonstration visits.
 *
 * The expert keeps its own state across steps (a planner's warm start follows the learner's trajectory).
 */
import type { ParamValues } from '../sim/params.ts';
import { controllerSettings, type Controller, type ControllerDefinition } from './controller.ts';

export interface ExpertLabelling {
  expert: ControllerDefinition;
  /** The expert's settings over its defaults (and the task's planner defaults). */
  expertParams?: Record<string, unknown>;
  /** Called with the expert's action for the state the learner was just asked about. */
  onLabel(action: Float64Array): void;
}

export function withExpertLabels(learner: ControllerDefinition, labelling: ExpertLabelling): ControllerDefinition {
  const { expert, expertParams = {}, onLabel } = labelling;
  return {
    ...learner,
    description: `${learner.description} Labelled by ${expert.id}.`,
    async create(context, values) {
      const expertValues = controllerSettings(expert, context.task, expertParams, 'expert');
      const teacher = await expert.create(context, expertValues);
      let student: Controller;
      try {
        student = await learner.create(context, values);
      } catch (err) {
        await teacher.dispose();
        throw err;
      }
      return {
        setParams: (v: ParamValues) => student.setParams(v),
        reset(seed) {
          student.reset(seed);
          teacher.reset(seed);
        },
        async act(state, time, robot) {
          // Both read the state before either acts; the physics advances only after this returns.
          const [action, label] = await Promise.all([student.act(state, time, robot), teacher.act(state.slice(), time, robot)]);
          onLabel(label);
          return action;
        },
        ...(student.reads ? { reads: student.reads } : {}),
        info: () => student.info?.(),
        async dispose() {
          await Promise.all([student.dispose(), teacher.dispose()]);
        },
      };
    },
  };
}
