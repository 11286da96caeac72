import { loadConfig, notifierConfigSchema } from '../core/config';
import { notifierFromConfig } from './wiring';

export const handler = notifierFromConfig(loadConfig(notifierConfigSchema));
