/** Pendulum swing-up, cart-pole swing-up and the box push with their default controllers, on seeds 0–2 (tests/integration/support/task-defaults.ts). */
import { describeTaskDefaults } from './support/task-defaults.ts';

describeTaskDefaults('control');
