import { createHash, createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { Attachment } from '#core/attachments/attachment-record';
import { makeAttachmentFiles, onFileOrigin } from '#core/staff/attachment-files';
import { servedAs } from '#core/staff/download-attachment';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BUCKET = 'tipline-clean-abc';
const S3_HOST = `${BUCKET}.s3.us-east-1.amazonaws.com`;
const SITE = 'https://tips.paper.example/';
const AT = new Date('2026-12-01T10:00:00Z');

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * An independent SigV4 check of a presigned S3 GET (the algorithm as AWS documents it, not the
 * SDK's code): would S3 at `host` accept this URL's path and query as signed with SECRET?
 */
function verifiesAt(url: string, host: string): boolean {
  const u = new URL(url);
  const params = [...u.searchParams].filter(([k]) => k !== 'X-Amz-Signature');
  const query = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = ['GET', u.pathname, query, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const date = u.searchParams.get('X-Amz-Date') ?? '';
  const scope = (u.searchParams.get('X-Amz-Credential') ?? '').split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join(
    '\n',
  );
  const [day = '', region = '', service = ''] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, day), region), service), 'aws4_request');
  return hmac(key, toSign).toString('hex') === u.searchParams.get('X-Amz-Signature');
}

const s3 = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
});
const files = makeAttachmentFiles({ s3, bucket: BUCKET, fileBaseUrl: SITE });
const sign = (key = 'clean/01JDOWNLOAD') =>
  files.signedGet({
    key,
    contentType: 'image/jpeg',
    disposition: 'attachment; filename="01JDOWNLOAD.jpg"',
    expiresInSeconds: 300,
    signingDate: AT,
  });

describe('download URLs on the site origin, signed for S3', () => {
  it("hands out the site's origin with S3's path and query, and the signature verifies at the bucket's regional host", async () => {
    const url = new URL(await sign());

    expect(url.origin).toBe('https://tips.paper.example');
    expect(url.pathname).toBe('/clean/01JDOWNLOAD');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="01JDOWNLOAD.jpg"',
    );
    expect(url.searchParams.get('response-content-type')).toBe('image/jpeg');
    // What CloudFront forwards (same path and query, Host = the origin's) is what was signed.
    expect(verifiesAt(url.href, S3_HOST)).toBe(true);
  });

  it('the signature covers the path and the response overrides: another key, type or disposition fails', async () => {
    const url = new URL(await sign());
    const otherPath = new URL(url.href);
    otherPath.pathname = '/originals/01JDOWNLOAD';
    const otherType = new URL(url.href);
    otherType.searchParams.set('response-content-type', 'text/html');
    const inline = new URL(url.href);
    inline.searchParams.set('response-content-disposition', 'inline');

    expect(verifiesAt(otherPath.href, S3_HOST)).toBe(false);
    expect(verifiesAt(otherType.href, S3_HOST)).toBe(false);
    expect(verifiesAt(inline.href, S3_HOST)).toBe(false);
    expect(verifiesAt(url.href, 'another-bucket.s3.us-east-1.amazonaws.com')).toBe(false);
  });

  it('keeps a path-style (local) URL verifiable: the bucket leaves the path and the gateway puts it back', async () => {
    const local = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
    });
    const handed = await makeAttachmentFiles({
      s3: local,
      bucket: BUCKET,
      fileBaseUrl: 'http://127.0.0.1:3000',
    }).signedGet({
      key: 'clean/01JLOCAL',
      contentType: 'video/mp4',
      disposition: 'inline',
      expiresInSeconds: 60,
    });
    const url = new URL(handed);
    const asForwarded = `http://127.0.0.1:4569/${BUCKET}${url.pathname}${url.search}`;

    expect(url.origin).toBe('http://127.0.0.1:3000');
    expect(url.pathname).toBe('/clean/01JLOCAL');
    expect(verifiesAt(asForwarded, '127.0.0.1:4569')).toBe(true);
  });

  it('without a file origin hands out the S3 URL itself, and refuses a URL for another key', () => {
    const signed = `https://${S3_HOST}/clean/a?X-Amz-Signature=x`;
    expect(onFileOrigin(signed, 'clean/a', undefined)).toBe(signed);
    expect(() => onFileOrigin(signed, 'clean/b', SITE)).toThrow(/another path/);
  });
});

describe('servedAs: the type and file name a download gets', () => {
  const attachment = (over: Partial<Attachment>): Attachment => ({
    id: '01JFILE',
    mime: 'image/jpeg',
    kind: 'photo',
    sizeBytes: 10,
    cleaning: { status: 'cleaned', removed: [] },
    scan: { status: 'not-scanned' },
    uploadedAt: '2026-12-01T10:00:00.000Z',
    ...over,
  });

  it.each([
    ['a cleaned JPEG', { mime: 'image/jpeg' }, 'image/jpeg', '01JFILE.jpg'],
    ['a cleaned MOV', { mime: 'video/quicktime', kind: 'video' }, 'video/quicktime', '01JFILE.mov'],
    [
      'an uncleaned DOCX',
      {
        mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        kind: 'document',
        cleaning: { status: 'not-cleaned', removed: [], reason: 'office documents are not cleaned' },
      },
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      '01JFILE.docx',
    ],
    [
      'an SVG kept inert',
      { mime: 'image/svg+xml', kind: 'other', cleaning: { status: 'refused-inert', removed: [] } },
      'application/octet-stream',
      '01JFILE.bin',
    ],
    [
      'HTML kept inert',
      { mime: 'text/html', kind: 'other', cleaning: { status: 'refused-inert', removed: [] } },
      'application/octet-stream',
      '01JFILE.bin',
    ],
    [
      'an unknown type',
      { mime: 'application/x-thing', kind: 'other', cleaning: { status: 'not-cleaned', removed: [] } },
      'application/x-thing',
      '01JFILE.bin',
    ],
  ] as const)('%s', (_, over, type, name) => {
    expect(servedAs(attachment(over as Partial<Attachment>), 'clean')).toEqual({
      contentType: type,
      filename: name,
    });
  });

  it('an original is an untyped download named apart from the clean copy', () => {
    expect(servedAs(attachment({}), 'original')).toEqual({
      contentType: 'application/octet-stream',
      filename: '01JFILE-original.bin',
    });
  });
});
