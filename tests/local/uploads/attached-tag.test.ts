import { GetObjectTaggingCommand, PutObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeMarkAttached } from '#core/uploads/attached-tag';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import { ensureBucket } from '../../../local/stack/buckets';

const s3 = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
const bucket = `clean-tags-${Date.now()}`;
afterAll(() => s3.destroy());

const tagsOf = async (Key: string) =>
  (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key }))).TagSet ?? [];

describe('markAttached against the local S3 server', () => {
  it("sets tipline-attached=yes on the clean copy and the original and keeps GuardDuty's verdict", async () => {
    await ensureBucket(s3, bucket);
    const id = 'AbCdEfGhIjKlMnOpQrStUv';
    for (const Key of [cleanKey(id), originalKey(id)]) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
      // As the cleaner's copy and then GuardDuty's verdict leave it (s3rver ignores PutObject's
      // x-amz-tagging header, so the tags are put apart).
      await s3.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key,
          Tagging: {
            TagSet: [
              { Key: 'tipline-attached', Value: 'no' },
              { Key: 'GuardDutyMalwareScanStatus', Value: 'NO_THREATS_FOUND' },
            ],
          },
        }),
      );
    }

    await makeMarkAttached({ s3, bucket })(id, { keptOriginal: true });
    await makeMarkAttached({ s3, bucket })(id, { keptOriginal: true });

    for (const Key of [cleanKey(id), originalKey(id)]) {
      const tags = await tagsOf(Key);
      expect(tags).toHaveLength(2);
      expect(tags).toEqual(
        expect.arrayContaining([
          { Key: 'tipline-attached', Value: 'yes' },
          { Key: 'GuardDutyMalwareScanStatus', Value: 'NO_THREATS_FOUND' },
        ]),
      );
    }
  });
});
