import { DeleteItemCommand, type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { TIPS_TABLE_KEY, TTL_ATTRIBUTE } from '#core/tips/table-design';

/**
 * dynalite has no TTL. This is the local stand-in: every tip whose `expiresAt` (epoch seconds)
 * is past `now` is deleted, one DeleteItem each (conditional on it still being past, as TTL
 * re-checks before deleting), which the stream feed turns into the REMOVE record TTL would
 * write. A tip under legal hold has no `expiresAt` and is never touched. A Scan: local only.
 */
export async function sweepExpiredTips(
  client: DynamoDBClient,
  tableName: string,
  now: Date = new Date(),
): Promise<number> {
  const at = { ':now': { N: String(Math.floor(now.getTime() / 1000)) } };
  const names = { '#ttl': TTL_ATTRIBUTE };
  let deleted = 0;
  for await (const page of paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: '#ttl <= :now',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: at,
      ProjectionExpression: TIPS_TABLE_KEY.partitionKey,
    },
  )) {
    for (const key of page.Items ?? []) {
      const gone = await client
        .send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: '#ttl <= :now',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: at,
          }),
        )
        .then(() => true)
        .catch((err: unknown) => {
          // Put under hold (or triaged to a later expiry) since the scan read it: kept.
          if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
          throw err;
        });
      if (gone) deleted += 1;
    }
  }
  return deleted;
}
