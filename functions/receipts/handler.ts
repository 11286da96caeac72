import { loadConfig } from '#core/config/load-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { receiptsFromConfig } from './wiring';

export const handler = receiptsFromConfig(loadConfig(receiptsConfigSchema));
