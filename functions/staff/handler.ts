import { loadConfigWithSecrets } from '#core/config/secrets';
import { staffConfigSchema } from '#core/config/staff-config';
import { staffFromConfig } from './wiring';

// Made once per container, outside the handler: its secrets are read from Secrets Manager first
// (top-level await), and a bad config fails the cold start, naming the variable.
export const handler = staffFromConfig(await loadConfigWithSecrets(staffConfigSchema));
