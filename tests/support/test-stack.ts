import { inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack/stack';

export type TestStackOptions = Omit<LocalStackOptions, 'external' | 'tableName'> & {
  /** An SES endpoint of the test's own (a fault-injecting one) instead of the run's emulator. */
  sesUrl?: string;
};

/**
 * The local stack on this test run's dynalite, SES emulator and S3 server (tests/support/global-setup.ts),
 * with a table of its own, `<prefix>-<time>`; the rest of the options as startLocalStack takes them.
 */
export function startTestStack(
  prefix: string,
  { sesUrl = inject('sesUrl'), ...options }: TestStackOptions = {},
): Promise<LocalStack> {
  return startLocalStack({
    external: { dynamoUrl: inject('dynamoUrl'), sesUrl, s3Url: inject('s3Url') },
    tableName: `${prefix}-${Date.now()}`,
    ...options,
  });
}
