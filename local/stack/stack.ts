import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { attachmentStorageConfigSchema } from '#core/config/attachment-storage-config';
import { cleanerConfigSchema } from '#core/config/cleaner-config';
import { ENV } from '#core/config/env-names';
import { expiryConfigSchema } from '#core/config/expiry-config';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { staffConfigSchema } from '#core/config/staff-config';
import { makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { type CleanerInjections, cleanerFromConfig } from '../../functions/cleaner/wiring';
import { expiryFromConfig } from '../../functions/expiry/wiring';
import { intakeFromConfig } from '../../functions/intake/wiring';
import { notifierFromConfig } from '../../functions/notifier/wiring';
import { receiptsFromConfig } from '../../functions/receipts/wiring';
import { staffFromConfig } from '../../functions/staff/wiring';
import { staffPageFromEnv } from '../../web/pages/staff-page-config';
import { applyUploadCors, ensureBucket } from './buckets';
import { startDynalite, startS3Server, startSesEmulator } from './emulators';
import { LOCAL_DLQ_FILE, makeFileDeadLetters } from './file-dead-letters';
import { type GatewayProps, startGateway } from './gateway';
import { LOCAL_TOKEN_PATH, localTokenForm, localTokenRoute } from './local-token';
import { localHostedSignIn } from './oauth-endpoints';
import { attachStreamFeed, type StreamFeed } from './stream-feed';
import {
  ensureTable,
  guardTableInput,
  idempotencyTableInput,
  LOCAL_TIPS_TABLE,
  localTableNames,
  tipsTableInput,
} from './tables';
import { type RunningTokenIssuer, startTokenIssuer } from './token-issuer';
import { sweepExpiredTips } from './ttl-sweep';
import { attachUploadFeed, type S3ServerEvents, type UploadFeed } from './upload-feed';

/** Signs list cursors locally; in AWS the staff function gets a generated secret instead. */
export const LOCAL_CURSOR_SECRET = 'local-dev-cursor-key-not-a-secret-0123456789';

/** Keys client hashes, form tokens and fingerprints locally; in AWS a generated secret. */
export const LOCAL_CLIENT_HASH_SECRET = 'local-dev-client-hash-key-not-a-secret-0123';

/** Keys the receipt codes' stored hashes (and the sealed code of a replay) locally; in AWS a generated secret. */
export const LOCAL_RECEIPT_HASH_SECRET = 'local-dev-receipt-hash-key-not-a-secret-01';

export interface LocalStackOptions {
  /** 0 picks a free port (tests); npm start uses 3000 / 8000 / 8005 (8020 for S3). */
  port?: number;
  dynamoPort?: number;
  sesPort?: number;
  /** The local S3 server (s3rver); npm start uses 8020. */
  s3Port?: number;
  /** The local token issuer (JWKS); npm start uses 8010. */
  issuerPort?: number;
  /** Where dynalite and the S3 server keep their data; undefined keeps it in memory or a temp dir (tests). */
  dataDir?: string;
  tableName?: string;
  deskAddress?: string;
  senderAddress?: string;
  /** The stream feed's first retry delay (the event source backs off similarly). */
  retryDelayMs?: number;
  /**
   * Use emulators that already run (tests share them) instead of starting new ones. Without
   * `s3Url` the stack starts an S3 server of its own, whose events feed the cleaner; a shared
   * one's events reach no cleaner (its uploads stay pending).
   */
  external?: { dynamoUrl: string; sesUrl: string; s3Url?: string };
  /** The cleaner's stand-ins a test hands in (a cleaning core that crashes). */
  cleaner?: Pick<CleanerInjections, 'clean'>;
  /**
   * The production defaults of the abuse defences (30 submits per client per 10 min, 3 s minimum
   * fill time, flood digest over 60 alerts in 5 min). Off by default: tests drive one client
   * faster than any person; npm start turns them on.
   */
  realisticLimits?: boolean;
  /**
   * The staff page signs in as in AWS, with the code grant and PKCE, through the local issuer's
   * /oauth2/authorize and /oauth2/token instead of the pasted or local token (browser tests).
   */
  hostedSignIn?: boolean;
  /**
   * More env for the functions, as a Lambda would get it (tests tune limits and windows;
   * npm start passes the environment and .env): it wins over every local default above, but
   * DYNAMODB_ENDPOINT, SES_ENDPOINT and S3_ENDPOINT are always the stack's own emulators.
   */
  env?: Record<string, string>;
}

export interface LocalStack {
  apiUrl: string;
  dynamoUrl: string;
  sesUrl: string;
  /** The local S3 server; its buckets (UPLOADS_BUCKET, CLEAN_BUCKET) exist once the stack has started. */
  s3Url: string;
  /** The env a function would get in AWS, pointed at the local emulators. */
  env: Record<string, string>;
  feed: StreamFeed;
  /**
   * The uploads bucket's ObjectCreated events, fed to the cleaner as Lambda would be invoked;
   * absent when the stack uses a shared S3 server (`external.s3Url`), whose events it cannot see.
   */
  uploadFeed?: UploadFeed;
  /** The expiry function's feed: REMOVE records of deleted tips (TTL's, locally the sweep's). */
  expiryFeed: StreamFeed;
  /**
   * DynamoDB's TTL, locally: deletes every tip whose expiresAt is past `now` (the expiry function
   * then deletes its attachments). Runs with each digest tick; tests call it with a later `now`.
   */
  expireTips(now?: Date): Promise<number>;
  /** The local dead-letter queue of failed alerts (`npm run redrive` resends from it). */
  deadLetterFile: string;
  /** One scheduled notifier tick: sends the digests of closed flood windows. */
  tick(): Promise<void>;
  /** The local stand-in for Cognito: mints staff tokens the gateway accepts. */
  issuer: RunningTokenIssuer;
  stop(): Promise<void>;
}

/**
 * Set by the stack itself, so an `env` value for these is not used: where its own emulators
 * listen, and no SQS queue (its dead letters go to the local file queue, where the feed's own go too).
 */
export const STACK_OWNED_ENV = [
  ENV.DYNAMODB_ENDPOINT,
  ENV.SES_ENDPOINT,
  ENV.S3_ENDPOINT,
  ENV.ALERT_DLQ_URL,
] as const;

/**
 * A bucket of this stack's own, named after its tips table (`tipline-tips` → `tipline-uploads`):
 * stacks sharing one S3 server (tests) each get theirs, and with it their own CORS origin.
 */
function bucketNamed(tipsTable: string, purpose: string): string {
  const base = tipsTable
    .replace(/-tips$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63 - purpose.length - 1)
    .replace(/^-+|-+$/g, '');
  return `${base || 'tipline'}-${purpose}`;
}

/**
 * The functions' env before the emulators start (no endpoints yet): the local defaults, each
 * used only when `options.env` does not set the variable.
 */
function functionEnv(options: LocalStackOptions): Record<string, string> {
  const given = options.env ?? {};
  const tipsTable = given[ENV.TIPS_TABLE] ?? options.tableName ?? LOCAL_TIPS_TABLE;
  const env: Record<string, string> = {
    ...localTableNames(tipsTable),
    [ENV.DESK_ADDRESS]: options.deskAddress ?? 'world-desk@newsroom.example',
    [ENV.SENDER_ADDRESS]: options.senderAddress ?? 'tipline@newsroom.example',
    [ENV.AWS_REGION]: 'us-east-1',
    [ENV.CURSOR_SECRET]: LOCAL_CURSOR_SECRET,
    [ENV.CLIENT_HASH_SECRET]: LOCAL_CLIENT_HASH_SECRET,
    [ENV.RECEIPT_HASH_SECRET]: LOCAL_RECEIPT_HASH_SECRET,
    [ENV.UPLOADS_BUCKET]: bucketNamed(tipsTable, 'uploads'),
    [ENV.CLEAN_BUCKET]: bucketNamed(tipsTable, 'clean'),
    ...(options.realisticLimits
      ? {}
      : {
          [ENV.RATE_LIMIT_MAX]: '100000',
          [ENV.UPLOAD_RATE_LIMIT_MAX]: '100000',
          [ENV.MIN_FILL_SECONDS]: '0',
          [ENV.FLOOD_MAX_ALERTS]: '100000',
        }),
    ...given,
  };
  for (const name of STACK_OWNED_ENV) delete env[name];
  return env;
}

/**
 * Starts the emulators, the stream feed, the token issuer and the gateway. The functions' config
 * is checked with their own schemas (loadConfig) before anything starts: a bad value throws a
 * ConfigError that names the variable, and nothing is left running.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const configEnv = functionEnv(options);
  for (const schema of [
    intakeConfigSchema,
    notifierConfigSchema,
    staffConfigSchema,
    receiptsConfigSchema,
    attachmentStorageConfigSchema,
    cleanerConfigSchema,
    expiryConfigSchema,
  ]) {
    loadConfig(schema, configEnv);
  }
  const staffPage = { ...staffPageFromEnv(configEnv), localSignIn: localTokenForm() };
  configEnv[LOCAL_DLQ_FILE] ??= dataDir
    ? join(dataDir, 'alerts-dlq.jsonl')
    : join(mkdtempSync(join(tmpdir(), 'tipline-dlq-')), 'alerts-dlq.jsonl');

  const noop = { close: async () => {} };
  const dynamo = options.external
    ? { url: options.external.dynamoUrl, ...noop }
    : await startDynalite({
        port: options.dynamoPort ?? 0,
        ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
      });
  const ses = options.external
    ? { url: options.external.sesUrl, ...noop }
    : await startSesEmulator({ port: options.sesPort ?? 0 });
  const s3: { url: string; close(): Promise<void> } & Partial<S3ServerEvents> = options.external?.s3Url
    ? { url: options.external.s3Url, ...noop }
    : await startS3Server({
        port: options.s3Port ?? 0,
        ...(dataDir ? { directory: join(dataDir, 's3') } : {}),
      });

  const env: Record<string, string> = {
    ...configEnv,
    [ENV.DYNAMODB_ENDPOINT]: dynamo.url,
    [ENV.SES_ENDPOINT]: ses.url,
    [ENV.S3_ENDPOINT]: s3.url,
  };
  const intakeConfig = loadConfig(intakeConfigSchema, env);
  const notifierConfig = loadConfig(notifierConfigSchema, env);

  const intakeDynamo = makeDynamoClients({ region: env.AWS_REGION as string, endpoint: dynamo.url });
  await ensureTable(intakeDynamo.client, tipsTableInput(intakeConfig.TIPS_TABLE));
  await ensureTable(intakeDynamo.client, idempotencyTableInput(env.IDEMPOTENCY_TABLE as string));
  await ensureTable(intakeDynamo.client, guardTableInput(env.GUARD_TABLE as string));
  const storage = loadConfig(attachmentStorageConfigSchema, env);
  const s3Client = makeS3Client({ region: storage.AWS_REGION, endpoint: s3.url });
  await ensureBucket(s3Client, storage.UPLOADS_BUCKET);
  await ensureBucket(s3Client, storage.CLEAN_BUCKET);

  // S3 → Lambda for the cleaner: only an S3 server of the stack's own tells it of new uploads.
  const cleanerS3 = makeS3Client({ region: storage.AWS_REGION, endpoint: s3.url, requestTimeoutMs: 30_000 });
  const uploadFeed = s3.onEvent
    ? attachUploadFeed(s3 as S3ServerEvents, {
        bucket: storage.UPLOADS_BUCKET,
        consumer: cleanerFromConfig(loadConfig(cleanerConfigSchema, env), {
          dynamo: intakeDynamo,
          s3: cleanerS3,
          ...options.cleaner,
        }),
        retryDelayMs: options.retryDelayMs ?? 500,
        onFailure: (event) =>
          console.warn(
            JSON.stringify({
              level: 'WARN',
              message: 'upload event failed every attempt (the on-failure destination in AWS)',
              records: event.Records.length,
            }),
          ),
      })
    : undefined;

  const deadLetterFile = env[LOCAL_DLQ_FILE] as string;
  const notifier = notifierFromConfig(notifierConfig, { deadLetters: makeFileDeadLetters(deadLetterFile) });
  const feed = attachStreamFeed(intakeDynamo.client, {
    tableName: intakeConfig.TIPS_TABLE,
    consumer: notifier,
    retryDelayMs: options.retryDelayMs ?? 500,
    // Records the notifier could not even dead-letter itself land in the same local DLQ.
    deadLetterFile,
  });
  // The expiry function's own mapping in AWS (REMOVE by TTL only): a tip's end deletes its files.
  const expiryFeed = attachStreamFeed(intakeDynamo.client, {
    tableName: intakeConfig.TIPS_TABLE,
    events: ['REMOVE'],
    consumer: expiryFromConfig(loadConfig(expiryConfigSchema, env)),
    retryDelayMs: options.retryDelayMs ?? 500,
    deadLetterFile: join(dirname(deadLetterFile), 'expiry-dlq.jsonl'),
  });
  const expireTips = (now?: Date) => sweepExpiredTips(intakeDynamo.client, intakeConfig.TIPS_TABLE, now);
  // EventBridge's one-minute schedule in AWS: digests of closed flood windows go out even
  // when no new tip arrives to trigger the notifier.
  let ticking: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    ticking = notifier({});
    await ticking;
  };
  let sweeping: Promise<unknown> = Promise.resolve();
  const ticker = setInterval(
    () => {
      void tick().catch(() => undefined);
      sweeping = expireTips().catch(() => undefined);
    },
    Math.min(60_000, notifierConfig.FLOOD_WINDOW_SECONDS * 500),
  );
  ticker.unref();

  // Keys are kept under the data dir; without one (tests) they live in a temp dir for this run.
  const issuerDir = dataDir ? join(dataDir, 'issuer') : mkdtempSync(join(tmpdir(), 'tipline-issuer-'));
  const issuer = await startTokenIssuer({ dir: issuerDir, port: options.issuerPort ?? 0 });

  const handlers: GatewayProps['handlers'] = {
    intake: intakeFromConfig(intakeConfig, intakeDynamo, staffPage),
    receipts: receiptsFromConfig(loadConfig(receiptsConfigSchema, env), intakeDynamo),
  };
  const gateway = await startGateway({
    handlers,
    authorizer: issuer.authorizer,
    localRoutes: { [`POST ${LOCAL_TOKEN_PATH}`]: localTokenRoute(issuer) },
    // Staff downloads come back through the gateway, as through CloudFront in AWS.
    files: { s3Url: s3.url, bucket: storage.CLEAN_BUCKET },
    port: options.port ?? 0,
  });
  // The staff function hands its download URLs out on the gateway's origin: known once it listens.
  env[ENV.FILE_BASE_URL] ??= gateway.url;
  handlers.staff = staffFromConfig(loadConfig(staffConfigSchema, env), intakeDynamo);

  // The form posts files straight to the S3 server, from the gateway's origin (both spellings of it).
  const { port: gatewayPort } = new URL(gateway.url);
  await applyUploadCors(s3Client, storage.UPLOADS_BUCKET, [
    `http://127.0.0.1:${gatewayPort}`,
    `http://localhost:${gatewayPort}`,
  ]);

  // The staff page's options are read per request, so the sign-in can name the gateway's own URL.
  if (options.hostedSignIn)
    Object.assign(staffPage, localHostedSignIn(issuer.url, issuer.clientId, gateway.url));

  return {
    apiUrl: gateway.url,
    dynamoUrl: dynamo.url,
    sesUrl: ses.url,
    s3Url: s3.url,
    env,
    feed,
    ...(uploadFeed ? { uploadFeed } : {}),
    expiryFeed,
    expireTips,
    deadLetterFile,
    tick,
    issuer,
    async stop() {
      clearInterval(ticker);
      // A tick in flight must finish before dynalite closes (dynalite throws on a closed database).
      await ticking.catch(() => undefined);
      await sweeping;
      await gateway.close();
      await issuer.close();
      if (!dataDir) rmSync(issuerDir, { recursive: true, force: true });
      await uploadFeed?.drained();
      uploadFeed?.stop();
      cleanerS3.destroy();
      await feed.drained();
      await expiryFeed.drained();
      feed.stop();
      expiryFeed.stop();
      intakeDynamo.client.destroy();
      s3Client.destroy();
      await s3.close();
      await ses.close();
      await dynamo.close();
    },
  };
}
