import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

/**
 * The local stand-in of S3's own check of a presigned POST's `content-length-range` (issue 12):
 * s3rver stores whatever is posted, so a file S3 would refuse got in locally, and the form's
 * "larger than the limit" answer could not be seen. This Koa middleware goes first in s3rver's
 * stack (`server.middleware.unshift`) and, for a POST of a form to a bucket, reads the whole body,
 * finds the policy's `content-length-range` and measures the `file` part. Outside the range it
 * answers as S3 does (400, XML `EntityTooLarge` or `EntityTooSmall`, with the bucket's CORS
 * headers so the browser can read it) and nothing is stored; within it, s3rver gets the same bytes.
 *
 * Only that condition is checked: not the signature, the expiry or the key (s3rver checks none
 * of them, and intake verifies each upload's key and size itself, verify-uploads.ts). The body is
 * held in memory: a local server, posted to by one reader.
 */

// s3rver's own multipart parser, CORS rules and error model, so the answer is shaped as its others.
const s3rverRequire = createRequire(createRequire(import.meta.url).resolve('s3rver'));
type BusboyCtor = new (opts: {
  headers: Record<string, unknown>;
}) => NodeJS.WritableStream & {
  on(event: 'field', listener: (name: string, value: string) => void): unknown;
  on(event: 'file', listener: (name: string, file: NodeJS.ReadableStream) => void): unknown;
  on(event: 'finish' | 'error', listener: (err?: unknown) => void): unknown;
};
const Busboy = s3rverRequire('busboy') as BusboyCtor;
const S3Error = s3rverRequire('./models/error') as new (
  code: string,
  message: string,
  detail?: Record<string, unknown>,
) => Error;
const cors = (s3rverRequire('./middleware/cors') as () => KoaMiddleware)();

interface KoaContext {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  req: NodeJS.ReadableStream & { headers: Record<string, unknown> };
  request: { req: unknown };
  params?: Record<string, string>;
  is(type: string): string | false | null;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<unknown>;

export interface PostedForm {
  /** The fields before the file, as S3 reads them (names compared without case). */
  fields: Map<string, string>;
  /** The size of the `file` part, or undefined without one. */
  fileBytes: number | undefined;
}

/** Parses a multipart/form-data body as s3rver does (busboy), measuring the file part. */
export function parsePostedForm(headers: Record<string, unknown>, body: Buffer): Promise<PostedForm> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    let fileBytes: number | undefined;
    const busboy = new Busboy({ headers });
    busboy.on('field', (name, value) => {
      if (fileBytes === undefined) fields.set(name.toLowerCase(), value);
    });
    busboy.on('file', (name, file) => {
      if (name !== 'file' || fileBytes !== undefined) {
        file.resume();
        return;
      }
      fileBytes = 0;
      file.on('data', (chunk: Buffer) => {
        fileBytes = (fileBytes ?? 0) + chunk.length;
      });
    });
    busboy.on('finish', () => resolve({ fields, fileBytes }));
    busboy.on('error', reject);
    busboy.end(body);
  });
}

/** The policy's `["content-length-range", min, max]`, or undefined when it has none (or no policy). */
export function contentLengthRange(policy: string | undefined): { min: number; max: number } | undefined {
  if (!policy) return undefined;
  try {
    const doc = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { conditions?: unknown[] };
    for (const c of doc.conditions ?? []) {
      if (Array.isArray(c) && String(c[0]).toLowerCase() === 'content-length-range') {
        return { min: Number(c[1]), max: Number(c[2]) };
      }
    }
  } catch {
    // Not a policy S3 could read either; s3rver handles the rest of the request as it would.
  }
  return undefined;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A POST to a bucket itself (`/<bucket>` or `/<bucket>/`): the only place a form upload goes. */
const BUCKET_POST = /^\/([^/]+)\/?$/;

export function postPolicyMiddleware(): KoaMiddleware {
  return async function postPolicy(ctx, next) {
    const bucket = BUCKET_POST.exec(ctx.path)?.[1];
    if (ctx.method !== 'POST' || !bucket || !ctx.is('multipart/form-data')) return next();
    const original = ctx.req;
    const body = await readAll(original);
    const form = await parsePostedForm(original.headers, body).catch(() => undefined);
    const range = contentLengthRange(form?.fields.get('policy'));
    const size = form?.fileBytes;
    if (range && size !== undefined && (size > range.max || size < range.min)) {
      ctx.params = { bucket };
      // Through s3rver's CORS middleware: its error handler keeps the Access-Control headers.
      return cors(ctx, async () => {
        throw size > range.max
          ? new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
              ProposedSize: size,
              MaxSizeAllowed: range.max,
            })
          : new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
              ProposedSize: size,
              MinSizeAllowed: range.min,
            });
      });
    }
    // s3rver reads the request again: hand it the same bytes, with what else it reads of the
    // request (headers, and the socket for the client address of its event records).
    const { method, url, httpVersion, socket } = original as unknown as Record<string, unknown>;
    const replay = Object.assign(Readable.from([body]), {
      headers: original.headers,
      method,
      url,
      httpVersion,
      socket,
      connection: socket,
    });
    ctx.req = replay;
    ctx.request.req = replay;
    return next();
  };
}
