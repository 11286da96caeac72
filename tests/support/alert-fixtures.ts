import { randomUUID } from 'node:crypto';
import type { TipRecord } from '#core/tips/tip-record';

/** A header injection a reader might try in any one-line field. */
export const INJECTION = '\r\nBcc: evil@example.org';

/** A stored tip with every field a desk alert shows. */
export function tipRecord(overrides: Partial<TipRecord> = {}): TipRecord {
  const createdAt = '2026-11-25T12:00:00.000Z';
  return {
    id: `01JTEST${randomUUID().replace(/-/g, '').slice(0, 19).toUpperCase()}`,
    createdAt,
    kind: 'tip',
    topic: 'russia-ukraine-war',
    subject: 'Grain corridor',
    message: 'Ships are waiting outside Odesa since Monday.\nA second line.',
    name: 'Edgars Rinkēvičs',
    email: 'reader@example.org',
    phone: '+371 2000 0000',
    anonymous: false,
    status: 'new',
    version: 1,
    history: [{ at: createdAt, by: 'reader', action: 'received', to: 'new' }],
    ...overrides,
  };
}
