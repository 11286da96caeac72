import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per container. Log lines carry ids, kinds, topics, statuses
 * and error names: never a tip's text or a reader's contact details.
 */
export function makeLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}

export type { Logger };
