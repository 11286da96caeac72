import { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';

/** A real Powertools logger that writes nothing: handler tests assert on responses, not log noise. */
export function quietLogger(serviceName = 'tipline-test'): Logger {
  return new Logger({ serviceName, logLevel: 'SILENT' });
}

/**
 * The functions a test builds after this (handlers, stacks) log nothing and publish no metrics:
 * Powertools reads both variables when it makes its logger and metrics. vitest undoes the stubs.
 */
export function silenceFunctions(): void {
  vi.stubEnv('LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
}

/**
 * A real logger at DEBUG whose lines are captured (Powertools writes JSON lines to stdout and stderr):
 * for asserting what a handler logs, and that it never logs a tip's text or contact details.
 */
export function capturingLogger(serviceName = 'tipline-test'): { logger: Logger; lines: () => string[] } {
  const captured: string[] = [];
  const logger = new Logger({ serviceName, logLevel: 'DEBUG' });
  const capture = (chunk: string | Uint8Array) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  // WARN and ERROR go to stderr, the rest to stdout.
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    logger,
    lines: () => {
      for (const spy of spies) spy.mockRestore();
      return captured.join('').split('\n').filter(Boolean);
    },
  };
}
