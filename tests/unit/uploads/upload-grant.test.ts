import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { BadUploadIdError, makeUploadGrants, UPLOAD_GRANT_SECONDS } from '#core/uploads/upload-grant';

// Signing a presigned POST is offline: this client is never sent a request.
const s3 = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'unit-test-secret' },
});
const SECRET = 'unit-upload-id-secret-0123456789abcdef';
const NONCE = 'Nonce_of-form-01';
const OTHER_NONCE = 'Nonce_of-form-02';
const clock = () => new Date('2026-12-02T12:00:00Z');
const grants = makeUploadGrants({ s3, bucket: 'tipline-uploads', secret: SECRET, maxFileBytes: 1000, clock });

function policyOf(fields: Record<string, string>) {
  return JSON.parse(Buffer.from(fields.Policy as string, 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };
}

describe('upload grants: a presigned POST per file, bound to the submission that asked', () => {
  it('signs a policy S3 enforces: this key only, 1..maxFileBytes bytes, for 15 minutes', async () => {
    const grant = await grants.grant(NONCE);
    const key = grants.objectKey(grant.uploadId, NONCE);

    expect(key).toMatch(/^uploads\/[\w-]{22}$/);
    expect(grant.fields.key).toBe(key);
    expect(grant.maxBytes).toBe(1000);
    expect(grant.expiresAt).toBe(new Date(clock().getTime() + UPLOAD_GRANT_SECONDS * 1000).toISOString());
    const policy = policyOf(grant.fields);
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 1000]);
    expect(policy.conditions).toContainEqual({ key });
    expect(policy.conditions).toContainEqual({ bucket: 'tipline-uploads' });
    const lifetime = Date.parse(policy.expiration) - Date.now();
    expect(lifetime).toBeGreaterThan((UPLOAD_GRANT_SECONDS - 60) * 1000);
    expect(lifetime).toBeLessThanOrEqual(UPLOAD_GRANT_SECONDS * 1000);
  });

  it('gives every request its own random key', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => grants.grant(NONCE)));
    expect(new Set(ids.map((g) => g.fields.key)).size).toBe(20);
  });

  it('keeps the nonce out of the upload id and the key', async () => {
    const grant = await grants.grant(NONCE);
    expect(grant.uploadId).not.toContain(NONCE);
    expect(JSON.stringify(grant.fields)).not.toContain(NONCE);
  });

  it("refuses an upload id for another submission's nonce", async () => {
    const grant = await grants.grant(NONCE);
    expect(() => grants.objectKey(grant.uploadId, OTHER_NONCE)).toThrow(BadUploadIdError);
  });

  it('refuses an id signed with another key, a tampered one, and made-up ones', async () => {
    const grant = await grants.grant(NONCE);
    const other = makeUploadGrants({ s3, bucket: 'tipline-uploads', secret: `${SECRET}-rotated` });
    expect(() => other.objectKey(grant.uploadId, NONCE)).toThrow(BadUploadIdError);
    const [version, objectId, mac] = grant.uploadId.split('.') as [string, string, string];
    const swapped = `${version}.${objectId.slice(1)}${objectId[0] === 'A' ? 'B' : 'A'}.${mac}`;
    for (const id of [swapped, `${version}.${objectId}`, `${grant.uploadId}.x`, 'u1.../..', '', 'u2.a.b']) {
      expect(() => grants.objectKey(id, NONCE), id).toThrow(BadUploadIdError);
    }
  });

  it("asks for a nonce shaped like a form token's", async () => {
    await expect(grants.grant('short')).rejects.toThrow(BadUploadIdError);
    await expect(grants.grant('has/slash-and-more-chars')).rejects.toThrow(BadUploadIdError);
  });
});
