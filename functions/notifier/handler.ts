import { loadConfig, notifierConfigSchema } from '#core/config/config';
import { notifierFromConfig } from './wiring';

export const handler = notifierFromConfig(loadConfig(notifierConfigSchema));
