import { describe, expect, it } from 'vitest';
import { makeFollowUp, READER_STATUS, readerAnswer, readerMessageSchema } from '#core/receipts/follow-up';
import { TIP_STATUSES } from '#core/tips/tip-record';

const CODE = 'ABCD-EFGH-JKMN';
const tip = {
  id: '01KAAAAAAAAAAAAAAAAAAAAAAA',
  kind: 'question' as const,
  topic: 'europe' as const,
  createdAt: '2026-11-20T09:30:00.000Z',
  version: 5,
};

describe("the reader's view of a tip", () => {
  it.each([
    ['new', 'received'],
    ['quarantined', 'received'],
    ['in-review', 'being looked at'],
    ['followed-up', 'closed'],
    ['published', 'closed'],
    ['dismissed', 'closed'],
  ] as const)('shows %s as %s', (status, words) => {
    expect(readerAnswer({ ...tip, status, history: [] }, CODE).status).toBe(words);
  });

  it('maps every status there is (a new status cannot slip through unmapped)', () => {
    expect(Object.keys(READER_STATUS).sort()).toEqual([...TIP_STATUSES].sort());
  });

  it('shows replies and counts the reader messages, but never notes, staff names or the reader text', () => {
    const answer = readerAnswer(
      {
        ...tip,
        status: 'in-review',
        history: [
          { at: '2026-11-20T09:30:00.000Z', by: 'reader', action: 'received', to: 'new' },
          { at: '2026-11-20T10:00:00.000Z', by: 'alice', action: 'note', note: 'source seems credible' },
          { at: '2026-11-20T11:00:00.000Z', by: 'reader', action: 'reader-message', note: 'my phone is new' },
          { at: '2026-11-20T12:00:00.000Z', by: 'alice', action: 'reply', note: 'Thanks, we are on it.' },
        ],
      },
      CODE,
    );
    expect(answer).toEqual({
      receipt: CODE,
      kind: 'question',
      status: 'being looked at',
      explanation: 'An editor is looking at your message.',
      receivedOn: '2026-11-20',
      replies: [{ at: '2026-11-20T12:00:00.000Z', message: 'Thanks, we are on it.' }],
      messagesAdded: 1,
    });
  });

  it('validates a reader message: trimmed, bounded, no control characters, no other fields', () => {
    expect(readerMessageSchema.parse({ message: '  more detail\r\nhere ' })).toEqual({
      message: 'more detail\nhere',
    });
    expect(readerMessageSchema.safeParse({ message: 'x' }).success).toBe(false);
    expect(readerMessageSchema.safeParse({ message: 'a'.repeat(5_001) }).success).toBe(false);
    expect(readerMessageSchema.safeParse({ message: 'bell \u0007 here' }).success).toBe(false);
    expect(readerMessageSchema.safeParse({ message: 'fine text', name: 'x' }).success).toBe(false);
  });

  it('takes files with a message or alone, never nothing, and ids only with their submission', () => {
    const files = { submission: 'follow-up-nonce-0123', attachments: ['u1.a.b'] };

    expect(readerMessageSchema.safeParse(files).success).toBe(true);
    expect(readerMessageSchema.safeParse({ message: 'and a photo', ...files }).success).toBe(true);
    expect(readerMessageSchema.safeParse({ submission: files.submission }).error?.issues).toMatchObject([
      { path: ['message'], message: 'write your message' },
    ]);
    expect(readerMessageSchema.safeParse({ attachments: files.attachments }).error?.issues).toMatchObject([
      { path: ['attachments'], message: 'attachments need the submission they were uploaded for' },
    ]);
    expect(
      readerMessageSchema.safeParse({ ...files, attachments: Array(11).fill('u1.a.b') }).error?.issues,
    ).toMatchObject([{ path: ['attachments'], message: 'at most 10 files per tip' }]);
  });
});

describe('files added by receipt code, on a tip line that takes none (no UPLOADS_BUCKET)', () => {
  it('are refused with 400 before anything is written', async () => {
    const writes: unknown[] = [];
    const followUp = makeFollowUp({
      receipts: {
        findByReceipt: async () => ({ ...tip, status: 'new', history: [] }),
        appendReaderEntry: async (...args) => {
          writes.push(args);
          return 'appended';
        },
        attachmentsOf: async () => [],
      },
    });

    await expect(
      followUp.addMessage(CODE, { submission: 'follow-up-nonce-0123', attachments: ['u1.a.b'] }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments', message: 'this tip line does not take files' }],
    });
    expect(writes).toEqual([]);
  });
});
