import { Logger } from '@aws-lambda-powertools/logger';

/** A real Powertools logger that writes nothing: handler tests assert on responses, not log noise. */
export function quietLogger(serviceName = 'tipline-test'): Logger {
  return new Logger({ serviceName, logLevel: 'SILENT' });
}
