import * as z from 'zod';
import { tipRecordSchema } from '#core/tips/tip-record';

// Pure (zod and the tip record only): the inbox's browser code imports its types.

/** What the list shows of a tip: enough to triage from, without contact details or the whole text. */
export const tipSummarySchema = tipRecordSchema
  .pick({
    id: true,
    createdAt: true,
    kind: true,
    topic: true,
    status: true,
    subject: true,
    anonymous: true,
    assignee: true,
    tags: true,
    quarantineReason: true,
    version: true,
    attachments: true,
  })
  .extend({ excerpt: z.string().describe('The start of the message, cut with … past 160 characters') });
export type TipSummary = z.infer<typeof tipSummarySchema>;

/** One page of GET /tips, newest first. */
export const tipListSchema = z.object({
  items: z.array(tipSummarySchema),
  nextCursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` for the next page; always present, null on the last page'),
});
export type TipList = z.infer<typeof tipListSchema>;
