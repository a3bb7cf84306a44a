/** The SO-101 reach and push with their default controllers, on seeds 0–2 (tests/integration/support/task-defaults.ts). */
import { describeTaskDefaults } from './support/task-defaults.ts';

describeTaskDefaults('arm');
