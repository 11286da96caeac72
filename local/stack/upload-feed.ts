import type { S3Event, S3EventRecord } from 'aws-lambda';
import { UPLOAD_PREFIX } from '#core/uploads/storage-layout';

/** What the S3 server emits for each write (s3rver's `event`: one record, its key as stored). */
export interface S3ServerEvents {
  onEvent(listener: (event: S3Event) => void): () => void;
}

export interface UploadFeedProps {
  bucket: string;
  consumer: (event: S3Event) => Promise<void>;
  /**
   * As Lambda's asynchronous invocation: retries after the first try (2, infra's retryAttempts),
   * with doubling delays from `retryDelayMs` (Lambda waits about a minute, then two).
   */
  retryAttempts?: number;
  retryDelayMs?: number;
  /** An event that failed every attempt (in AWS: the on-failure destination and its alarm). */
  onFailure?: (event: S3Event, err: unknown) => void;
}

export interface UploadFeed {
  /** Resolves once every event seen so far was handled or failed for good. */
  drained(): Promise<void>;
  /**
   * Holds the events back (a test's slow cleaner: the tip arrives first) until the returned
   * function is called; drained() waits for them.
   */
  hold(): () => void;
  stop(): void;
}

// S3 writes a key into its event URL-encoded, a space as `+`: the cleaner gets what it would in AWS.
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/**
 * The local stand-in for the uploads bucket's event notification (ObjectCreated on `uploads/`,
 * infra/cleaner.ts) and Lambda's asynchronous invocation of the cleaner: each new object there
 * becomes one S3 event, handed to the cleaner one at a time, retried like Lambda retries it.
 */
export function attachUploadFeed(server: S3ServerEvents, props: UploadFeedProps): UploadFeed {
  const { bucket, consumer, retryAttempts = 2, retryDelayMs = 200, onFailure } = props;
  const pending: S3Event[] = [];
  let running: Promise<void> | undefined;
  let held = 0;
  let stopped = false;

  const unsubscribe = server.onEvent((event) => {
    const records = (event.Records ?? []).filter(
      (r: S3EventRecord) =>
        r.s3.bucket.name === bucket &&
        r.eventName.startsWith('ObjectCreated:') &&
        r.s3.object.key.startsWith(UPLOAD_PREFIX),
    );
    if (stopped || records.length === 0) return;
    pending.push({
      Records: records.map((r) => ({
        ...r,
        s3: {
          ...r.s3,
          bucket: { ...r.s3.bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { ...r.s3.object, key: encodeKey(r.s3.object.key) },
        },
      })),
    });
    kick();
  });

  function kick() {
    if (held > 0) return;
    running ??= deliverAll().finally(() => {
      running = undefined;
      if (pending.length > 0 && !stopped) kick();
    });
  }

  async function deliverAll() {
    await new Promise((r) => setImmediate(r));
    while (pending.length > 0 && !stopped && held === 0) await deliver(pending.shift() as S3Event);
  }

  async function deliver(event: S3Event) {
    let last: unknown;
    for (let attempt = 0; attempt <= retryAttempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
      try {
        await consumer(event);
        return;
      } catch (err) {
        last = err;
      }
    }
    onFailure?.(event, last);
  }

  return {
    async drained() {
      for (;;) {
        if (running) await running;
        else if (pending.length === 0 || stopped) return;
        else await new Promise((r) => setTimeout(r, 5));
      }
    },
    hold() {
      held++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held--;
        if (pending.length > 0) kick();
      };
    },
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
