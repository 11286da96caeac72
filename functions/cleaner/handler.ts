import { cleanerConfigSchema } from '#core/config/cleaner-config';
import { loadConfig } from '#core/config/load-config';
import { cleanerFromConfig } from './wiring';

export const handler = cleanerFromConfig(loadConfig(cleanerConfigSchema));
