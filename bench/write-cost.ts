import { createRequire } from 'node:module';
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

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
  indexes: { name: string; bytes: number; wru: number; projectsAlertedAt: boolean }[];
  /** Write units of an update of `alertedAt` (the notifier's mark): the table + each index projecting it. */
  alertedWru: number;
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
    const projectsAlertedAt = projection === 'ALL' || kept.includes('alertedAt');
    return [{ name: gsi.IndexName as string, bytes, wru: wru(bytes), projectsAlertedAt }];
  });
  const tableWru = wru(itemBytes);
  return {
    itemBytes,
    tableWru,
    indexWru: indexes.reduce((a, i) => a + i.wru, 0),
    indexes,
    alertedWru: tableWru + indexes.filter((i) => i.projectsAlertedAt).reduce((a, i) => a + i.wru, 0),
  };
}
