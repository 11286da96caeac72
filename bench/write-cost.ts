import { createRequire } from 'node:module';
import { type AttributeValue, type CreateTableCommandInput, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoClients } from '../functions/core/aws-clients';

// dynalite's own copy of DynamoDB's item-size rules (attribute names + values, in bytes).
const { itemSize } = createRequire(import.meta.url)('dynalite/db') as {
  itemSize(item: Record<string, AttributeValue>): number;
};

export interface WriteCost {
  itemBytes: number;
  /** Write units of one PutItem of this item on the table alone (1 WRU per started KB). */
  tableWru: number;
  /** Write units the GSIs add: the item written again into each index it appears in. */
  indexWru: number;
  indexes: { name: string; bytes: number; wru: number }[];
}

const wru = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * What writing this item costs on DynamoDB on demand, from the item as stored and the
 * table's own definition: the table write, plus one write per GSI whose key the item has,
 * of the projected part (ALL = the whole item). An update of a projected attribute costs
 * the same again (the notifier's `alertedAt` rewrites every ALL index).
 */
export function writeCost(item: Record<string, AttributeValue>, table: CreateTableCommandInput): WriteCost {
  const tableKeys = (table.KeySchema ?? []).map((k) => k.AttributeName as string);
  const itemBytes = itemSize(item);
  const indexes = (table.GlobalSecondaryIndexes ?? []).flatMap((gsi) => {
    const keys = (gsi.KeySchema ?? []).map((k) => k.AttributeName as string);
    if (!keys.every((k) => item[k] !== undefined)) return [];
    const projection = gsi.Projection?.ProjectionType ?? 'ALL';
    const kept =
      projection === 'ALL'
        ? Object.keys(item)
        : [
            ...tableKeys,
            ...keys,
            ...(projection === 'INCLUDE' ? (gsi.Projection?.NonKeyAttributes ?? []) : []),
          ];
    const projected = Object.fromEntries(Object.entries(item).filter(([k]) => kept.includes(k))) as Record<
      string,
      AttributeValue
    >;
    const bytes = itemSize(projected);
    return [{ name: gsi.IndexName as string, bytes, wru: wru(bytes) }];
  });
  return {
    itemBytes,
    tableWru: wru(itemBytes),
    indexWru: indexes.reduce((a, i) => a + i.wru, 0),
    indexes,
  };
}

export async function storedItem(
  dynamo: DynamoClients,
  tableName: string,
  id: string,
): Promise<Record<string, AttributeValue>> {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({ TableName: tableName, Key: { id: { S: id } } }),
  );
  if (!Item) throw new Error(`no stored tip ${id}`);
  return Item;
}
