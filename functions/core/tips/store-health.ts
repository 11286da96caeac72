import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isStoreUnavailable } from './tip-store';

export type StoreHealth = () => Promise<{ ok: boolean; detail?: string }>;

/** The store answers and the table is usable. DescribeTable reads no tip, so it needs no data rights. */
export function makeStoreHealth({
  client,
  tableName,
}: {
  client: DynamoDBClient;
  tableName: string;
}): StoreHealth {
  return async () => {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = Table?.TableStatus;
      return status === 'ACTIVE' || status === 'UPDATING'
        ? { ok: true }
        : { ok: false, detail: `table ${status}` };
    } catch (err) {
      if (isStoreUnavailable(err) || (err instanceof Error && err.name === 'ResourceNotFoundException')) {
        return { ok: false, detail: err instanceof Error ? err.name : 'unknown' };
      }
      throw err;
    }
  };
}
