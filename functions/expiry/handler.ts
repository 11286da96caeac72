import { expiryConfigSchema } from '#core/config/expiry-config';
import { loadConfig } from '#core/config/load-config';
import { expiryFromConfig } from './wiring';

export const handler = expiryFromConfig(loadConfig(expiryConfigSchema));
