import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue for what a function failed at every attempt (the notifier's and the expiry function's
 * dead letters, the cleaner's on-failure destination): kept 14 days, TLS only, encrypted with the
 * project key when there is one, and retained when the stack goes, so nothing in it is lost.
 */
export function failureQueue(scope: Construct, id: string, encryptionKey?: IKey): Queue {
  return new Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
    ...(encryptionKey
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
