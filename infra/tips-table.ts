import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LIST_INDEXES, RECEIPT_INDEX, TIPS_TABLE_KEY, TTL_ATTRIBUTE } from '#core/tips/table-design';

export interface TipsTableProps {
  /** The customer-managed key; @default the AWS-owned DynamoDB key. */
  readonly encryptionKey?: IKey;
}

/**
 * The tips table, built from functions/core/tips/table-design.ts like local/stack/tables.ts, so the
 * keys and list indexes in AWS are the ones the code queries and the tests run against.
 */
export class TipsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: TipsTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TIPS_TABLE_KEY.partitionKey, type: AttributeType.STRING },
      // A tip line is quiet for days, then a story breaks: pay per request, never throttle on capacity.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: TableEncryption.AWS_MANAGED }),
      // The notifier reads a new tip's full item (NEW_IMAGE); the expiry function reads what a
      // TTL removal deleted (OLD_IMAGE: the tip's attachment ids).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // A lost tip can be a lost story: the table outlives the stack and refuses deletion.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const index of LIST_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    // A reader's receipt check reads only what the reader may see, from the index alone.
    this.table.addGlobalSecondaryIndex({
      indexName: RECEIPT_INDEX.indexName,
      partitionKey: { name: RECEIPT_INDEX.partitionKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...RECEIPT_INDEX.projected],
    });
  }
}
