import { intakeConfigSchema, loadConfig } from '#core/config/config';
import { intakeFromConfig } from './wiring';

// Made once per container, outside the handler: a bad config fails the cold start, naming the variable.
export const handler = intakeFromConfig(loadConfig(intakeConfigSchema));
