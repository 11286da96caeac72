import * as z from 'zod';

// Pure (zod only): the pages' browser code imports these types, and must not pull in the
// signing code (node:crypto, the AWS SDK).

/** POST /uploads: one file's upload request, naming the submission it is for. */
export const uploadRequestSchema = z.strictObject({
  submission: z
    .string()
    .regex(/^[\w-]{16,64}$/, 'must be 16-64 letters, digits, _ or -')
    .describe(
      'A random nonce the form makes once per tip and keeps to itself: each upload request and the tip name it, so only that tip can attach the files',
    ),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** POST /uploads 201: where and how the browser posts the file, straight to S3. */
export const uploadGrantSchema = z.object({
  uploadId: z.string().describe('Names the file in the tip; valid only with the same submission nonce'),
  url: z.url().describe('Post the file here as multipart/form-data'),
  fields: z
    .record(z.string(), z.string())
    .describe('Send every one of these form fields first, then the file as the last field, `file`'),
  maxBytes: z.int().positive().describe('A larger file is refused by S3 (400 EntityTooLarge)'),
  expiresAt: z.iso.datetime().describe('Start the upload before then'),
});

export type UploadGrantBody = z.infer<typeof uploadGrantSchema>;
