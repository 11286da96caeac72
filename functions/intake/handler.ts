import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { intakeFromConfig } from './wiring';

// Made once per container, outside the handler: a bad config fails the cold start, naming the variable.
export const handler = intakeFromConfig(loadConfig(intakeConfigSchema));
