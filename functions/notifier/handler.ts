import { loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { notifierFromConfig } from './wiring';

export const handler = notifierFromConfig(loadConfig(notifierConfigSchema));
