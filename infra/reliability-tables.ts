import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GUARD_TABLE_KEY, IDEMPOTENCY_TABLE_KEY } from '#core/guards/guard-tables';

/** How far back the guard and idempotency tables can be restored: a day is enough to undo a mistake. */
export const RELIABILITY_RECOVERY_DAYS = 1;

export interface ReliabilityTablesProps {
  /** The customer-managed key; @default the AWS-owned DynamoDB key. */
  readonly encryptionKey?: IKey;
}

/**
 * The short-lived state of the abuse and reliability defences, built from
 * functions/core/guards/guard-tables.ts like local/stack/tables.ts: Powertools' idempotency records
 * and the guard counters (rate limits, fingerprints, flood windows, alert failures). Every
 * item expires by TTL; losing them costs at most a window of protection, so unlike the
 * tips table they are not kept when the stack goes. Point-in-time recovery is on all the same:
 * a mistaken write or delete (by hand or by a bug) to live counters, fingerprints or
 * idempotency records can be undone within its window (issue 11, cdk-nag DDB3), which is kept short.
 */
export class ReliabilityTables extends Construct {
  readonly idempotency: Table;
  readonly guard: Table;

  constructor(scope: Construct, id: string, props: ReliabilityTablesProps = {}) {
    super(scope, id);
    this.idempotency = this.table('Idempotency', IDEMPOTENCY_TABLE_KEY, props.encryptionKey);
    this.guard = this.table('Guard', GUARD_TABLE_KEY, props.encryptionKey);
  }

  private table(
    id: string,
    key: { partitionKey: string; ttlAttribute: string },
    encryptionKey?: IKey,
  ): Table {
    return new Table(this, id, {
      partitionKey: { name: key.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: key.ttlAttribute,
      // One day, not DynamoDB's default 35: an idempotency record holds a tip's first answer
      // (receipt included) for 10 minutes, and a backup must not keep it for a month.
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: RELIABILITY_RECOVERY_DAYS,
      },
      ...(encryptionKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey }
        : { encryption: TableEncryption.AWS_MANAGED }),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
