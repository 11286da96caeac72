import { inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack/stack';

export type TestStackOptions = Omit<LocalStackOptions, 'external' | 'tableName'> & {
  /** An SES endpoint of the test's own (a fault-injecting one) instead of the run's emulator. */
  sesUrl?: string;
  /**
   * An S3 server of the stack's own instead of the run's shared one: its upload events feed the
   * cleaner (`stack.uploadFeed`); on the shared one uploads stay pending.
   */
  ownS3?: boolean;
};

/**
 * The local stack on this test run's dynalite, SES emulator and S3 server (tests/support/global-setup.ts),
 * with a table of its own, `<prefix>-<time>`; the rest of the options as startLocalStack takes them.
 */
export function startTestStack(
  prefix: string,
  { sesUrl = inject('sesUrl'), ownS3 = false, ...options }: TestStackOptions = {},
): Promise<LocalStack> {
  return startLocalStack({
    external: { dynamoUrl: inject('dynamoUrl'), sesUrl, ...(ownS3 ? {} : { s3Url: inject('s3Url') }) },
    tableName: `${prefix}-${Date.now()}`,
    ...options,
  });
}
