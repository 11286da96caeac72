import { loadConfig } from '#core/config/load-config';
import { staffConfigSchema } from '#core/config/staff-config';
import { staffFromConfig } from './wiring';

// Made once per container, outside the handler: a bad config fails the cold start, naming the variable.
export const handler = staffFromConfig(loadConfig(staffConfigSchema));
