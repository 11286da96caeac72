import { receiptsConfigSchema } from '#core/config/receipts-config';
import { loadConfigWithSecrets } from '#core/config/secrets';
import { receiptsFromConfig } from './wiring';

// Made once per container (top-level await: its secrets are read before the first request).
export const handler = receiptsFromConfig(await loadConfigWithSecrets(receiptsConfigSchema));
