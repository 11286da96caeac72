// Namespace import: esbuild then drops zod's unused locales (see tip-schema.ts).
import * as z from 'zod';

// Pure (zod only): the staff handler validates with these, the OpenAPI document is built from
// them and the inbox's browser code reads their types.

/** POST /tips/{id}/attachments/{attachmentId}/download: which copy, and how the browser should take it. */
export const downloadRequestSchema = z
  .strictObject({
    original: z
      .boolean()
      .optional()
      .describe(
        'The original as the reader sent it (only when KEEP_ORIGINALS kept one): logged and recorded as download-original',
      ),
    inline: z
      .boolean()
      .optional()
      .describe(
        'A URL to show a cleaned photo or video in the page (inline disposition) instead of a download; logged, not recorded in the history',
      ),
  })
  .refine((r) => !(r.original && r.inline), {
    message: 'an original is never shown inline: ask for one or the other',
    path: ['inline'],
  });
export type DownloadRequest = z.infer<typeof downloadRequestSchema>;

export const downloadGrantSchema = z.object({
  url: z
    .string()
    .describe(
      'A presigned GET of the file, on the site origin (nosniff, sandbox CSP); good until expiresAt, once or many times',
    ),
  expiresAt: z.iso.datetime(),
  disposition: z.enum(['attachment', 'inline']),
  version: z
    .int()
    .min(1)
    .describe('The tip version after the download was recorded in its history (unchanged for inline)'),
});
export type DownloadGrant = z.infer<typeof downloadGrantSchema>;
