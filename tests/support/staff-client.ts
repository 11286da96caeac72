import { inject } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { type LocalStack, startLocalStack } from '../../local/stack/stack';

/** A local stack on the shared emulators with its own tips table, and a staff client for it. */
export async function startStaffStack(prefix: string) {
  const stack: LocalStack = await startLocalStack({
    external: { dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl'), s3Url: inject('s3Url') },
    tableName: `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
    retryDelayMs: 20,
  });
  const { doc, client } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
  const token = await stack.issuer.mint({ user: 'alice' });
  const auth: Record<string, string> = { authorization: `Bearer ${token}` };

  async function getJson<T>(path: string, headers: Record<string, string> = auth) {
    const res = await fetch(`${stack.apiUrl}${path}`, { headers });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  }

  async function patch<T>(
    id: string,
    body: unknown,
    version: number | undefined,
    headers: Record<string, string> = auth,
  ) {
    const res = await fetch(`${stack.apiUrl}/tips/${id}`, {
      method: 'PATCH',
      headers: {
        ...headers,
        'content-type': 'application/json',
        ...(version !== undefined ? { 'if-match': `"${version}"` } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  }

  return {
    stack,
    doc,
    tableName: stack.env.TIPS_TABLE as string,
    auth,
    getJson,
    patch,
    async stop() {
      client.destroy();
      await stack.stop();
    },
  };
}

export type StaffStack = Awaited<ReturnType<typeof startStaffStack>>;

export interface ListBody {
  items: Array<{ id: string; status: string; kind: string; topic: string; version: number }>;
  nextCursor: string | null;
}

/** Follows nextCursor to the end; returns every id in order and how many pages it took. */
export async function listAll(s: StaffStack, query: string, limit: number) {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    if (cursor) params.set('cursor', cursor);
    const res = await s.getJson<ListBody>(`/tips?${params}`);
    if (res.status !== 200)
      throw new Error(`GET /tips?${params} → ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(...res.body.items.map((t) => t.id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}
