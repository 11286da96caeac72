import { loadConfig, receiptsConfigSchema } from '#core/config/config';
import { receiptsFromConfig } from './wiring';

export const handler = receiptsFromConfig(loadConfig(receiptsConfigSchema));
