/** The Go2 standing and walking, the Go2-W and the ant with their default controllers, on seeds 0–2 (tests/integration/support/task-defaults.ts). */
import { describeTaskDefaults } from './support/task-defaults.ts';

describeTaskDefaults('legged');
