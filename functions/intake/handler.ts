import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfigWithSecrets } from '#core/config/secrets';
import { intakeFromConfig } from './wiring';

// Made once per container, outside the handler: its secrets are read from Secrets Manager first
// (top-level await), and a bad config fails the cold start, naming the variable.
export const handler = intakeFromConfig(await loadConfigWithSecrets(intakeConfigSchema));
