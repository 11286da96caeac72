import * as z from 'zod';
import { TIP_KINDS } from '#core/tips/tip-schema';

// Pure (zod and the tip schema only): the follow-up page's browser code imports its types.

export const READER_STATUSES = ['received', 'being looked at', 'closed'] as const;
export type ReaderStatus = (typeof READER_STATUSES)[number];

/** What a reader's follow-up shows: GET /receipts/{code} and POST /receipts/{code}/messages answer with it. */
export const receiptAnswerSchema = z.object({
  receipt: z.string(),
  kind: z.enum(TIP_KINDS),
  status: z.enum(READER_STATUSES),
  explanation: z.string(),
  receivedOn: z.iso
    .date()
    .describe("The day it arrived (a date, not a time: less to link it to a reader's activity)"),
  replies: z.array(z.object({ at: z.iso.datetime(), message: z.string() })),
  messagesAdded: z
    .int()
    .min(0)
    .describe('How many messages the reader has added, so they can see theirs arrived'),
});
export type ReceiptAnswer = z.infer<typeof receiptAnswerSchema>;
