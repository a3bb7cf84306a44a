import { runEpisode } from './engine/run-episode.ts';
const r = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0, seconds: 12, controllerParams: { engine: 'mujoco' } });
console.log(JSON.stringify(r.timing));
process.exit(0);
