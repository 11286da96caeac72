import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cleanerConfigSchema } from '#core/config/cleaner-config';
import { ConfigError, loadConfig } from '#core/config/load-config';
import type { CleanUpload } from '#core/uploads/clean-upload';
import { makeCleanerHandler } from '../../../functions/cleaner/make-cleaner-handler';
import { quietLogger } from '../../support/quiet-logger';

const record = (eventName: string, key: string, eventTime = '2026-12-02T10:00:00.000Z') => ({
  eventName,
  eventTime,
  s3: { bucket: { name: 'tipline-uploads' }, object: { key, size: 10 } },
});
const event = (...records: ReturnType<typeof record>[]) => ({ Records: records }) as unknown as S3Event;

/** A cleaning run that records what it was asked, or fails as told. */
function recording(fail?: Error) {
  const calls: { id: string; uploadedAt: string }[] = [];
  const cleanUpload = (async (id: string, { uploadedAt }: { uploadedAt: Date }) => {
    calls.push({ id, uploadedAt: uploadedAt.toISOString() });
    if (fail) throw fail;
    return { id, status: 'cleaned', attached: 'no-tip-yet', resumed: false };
  }) as CleanUpload;
  return { calls, cleanUpload };
}

describe('the cleaner handler: S3 events to cleaning runs', () => {
  it('cleans each ObjectCreated upload by its object id, its key decoded as S3 encodes it', async () => {
    const { calls, cleanUpload } = recording();
    const handler = makeCleanerHandler({ cleanUpload, logger: quietLogger() });

    await handler(
      event(
        record('ObjectCreated:Post', 'uploads/01JABC_x-y'),
        record('ObjectCreated:Put', 'uploads%2F01JDEF'),
      ),
    );

    expect(calls).toEqual([
      { id: '01JABC_x-y', uploadedAt: '2026-12-02T10:00:00.000Z' },
      { id: '01JDEF', uploadedAt: '2026-12-02T10:00:00.000Z' },
    ]);
  });

  it('leaves alone removals, keys outside uploads/ and names no upload grant makes', async () => {
    const { calls, cleanUpload } = recording();
    const handler = makeCleanerHandler({ cleanUpload, logger: quietLogger() });

    await handler(
      event(
        record('ObjectRemoved:Delete', 'uploads/01JABC'),
        record('ObjectCreated:Put', 'clean/01JABC'),
        record('ObjectCreated:Put', 'uploads/a+b.jpg'),
        record('ObjectCreated:Put', 'uploads/../clean/x'),
        record('ObjectCreated:Put', 'malware-protection-resource-validation-object'),
      ),
    );

    expect(calls).toEqual([]);
  });

  it('throws when a run fails, so Lambda retries the event', async () => {
    const { cleanUpload } = recording(new Error('S3 is down'));
    const handler = makeCleanerHandler({ cleanUpload, logger: quietLogger() });

    await expect(handler(event(record('ObjectCreated:Post', 'uploads/01JABC')))).rejects.toThrow(
      'S3 is down',
    );
  });
});

describe('the cleaner config', () => {
  const env = {
    TIPS_TABLE: 'tips',
    GUARD_TABLE: 'guard',
    UPLOADS_BUCKET: 'up-bucket',
    CLEAN_BUCKET: 'clean-bucket',
  };

  it('keeps no originals unless KEEP_ORIGINALS is true, and refuses anything but true or false', () => {
    expect(loadConfig(cleanerConfigSchema, env).KEEP_ORIGINALS).toBe(false);
    expect(loadConfig(cleanerConfigSchema, { ...env, KEEP_ORIGINALS: 'true' }).KEEP_ORIGINALS).toBe(true);
    expect(() => loadConfig(cleanerConfigSchema, { ...env, KEEP_ORIGINALS: 'yes' })).toThrow(
      new ConfigError('invalid configuration: KEEP_ORIGINALS: must be true or false'),
    );
  });

  it('needs the guard table, where it meets intake', () => {
    const { GUARD_TABLE: _, ...withoutGuard } = env;
    expect(() => loadConfig(cleanerConfigSchema, withoutGuard)).toThrow(/GUARD_TABLE/);
  });
});
