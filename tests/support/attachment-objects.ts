import { PutObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { makeS3Client } from '#core/platform/aws-clients';
import { MALWARE_SCAN_TAG } from '#core/uploads/malware-scan-tag';
import type { LocalStack } from '../../local/stack/stack';

/**
 * What the cleaner (and GuardDuty) would leave in the clean bucket, put there directly: the
 * staff side is tested against real objects in the local S3 server without the cleaner.
 */
export function cleanBucketOf(stack: LocalStack) {
  const s3: S3Client = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
  const bucket = stack.env.CLEAN_BUCKET as string;
  return {
    s3,
    bucket,
    async put(key: string, body: Buffer | string, contentType = 'application/octet-stream') {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    /** The verdict tag GuardDuty Malware Protection writes on a scanned object. */
    async tagScan(key: string, verdict: string) {
      await s3.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          Tagging: { TagSet: [{ Key: MALWARE_SCAN_TAG, Value: verdict }] },
        }),
      );
    },
    close: () => s3.destroy(),
  };
}

/** A small real JPEG (it decodes: the browser can show it). */
export const tinyJpeg = (width = 8, height = 6) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .toBuffer();

/** An SVG whose script sets a global and opens a dialog, were it ever run. */
export const SCRIPTED_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.parent.__pwned=1;alert(1)"><script>window.__pwned=1;try{parent.__pwned=1}catch(e){};alert(1)</script><rect width="10" height="10"/></svg>';

/** An HTML page a reader named `.jpg`: a script that would set a global and open a dialog. */
export const HTML_AS_JPEG =
  '<!doctype html><html><body><script>window.__pwned=1;try{opener.__pwned=1}catch(e){};try{parent.__pwned=1}catch(e){};alert(1)</script>hello</body></html>';
