import { createHash } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  ReceiptUnavailableError,
  StoreUnavailableError,
  ValidationError,
} from '#core/http/errors';
import type { ReceiptKeys } from '#core/tips/receipt-key';
import type { TipStatus } from '#core/tips/tip-record';
import type { TipSubmission } from '#core/tips/tip-schema';
import { type SubmitTip, type SubmitTipResult, validateSubmission } from './submit-tip';

/** What a submit answers the reader. No tip text; the receipt code in clear, for the reader only. */
export interface SubmitReceipt {
  id: string;
  receipt: string;
  kind: string;
  status: TipStatus;
  quarantineReason?: string;
}

/**
 * What the idempotency record keeps for the window, to replay to a retry: the answer with the
 * receipt code sealed (AES-256-GCM, bound to the tip id), never in clear, and no tip text or contact.
 */
export type StoredSubmitReceipt = Omit<SubmitReceipt, 'receipt'> & { sealedReceipt: string };

export function submitReceiptOf({ tip, receipt }: SubmitTipResult): SubmitReceipt {
  return {
    id: tip.id,
    receipt,
    kind: tip.kind,
    status: tip.status,
    ...(tip.quarantineReason ? { quarantineReason: tip.quarantineReason } : {}),
  };
}

function sealed({ receipt, ...rest }: SubmitReceipt, keys: ReceiptKeys): StoredSubmitReceipt {
  return { ...rest, sealedReceipt: keys.seal(receipt, rest.id) };
}

function unsealed(stored: StoredSubmitReceipt | SubmitReceipt, keys: ReceiptKeys): SubmitReceipt {
  // A record written before receipts were sealed (for at most the window after that deploy,
  // unless npm run migrate:receipts deleted it) holds the code in clear: replay it as it is.
  if (!('sealedReceipt' in stored)) return stored;
  const { sealedReceipt, ...rest } = stored;
  try {
    return { ...rest, receipt: keys.unseal(sealedReceipt, rest.id) };
  } catch (err) {
    // Sealed under another RECEIPT_HASH_SECRET (rotated within the window): the tip exists, so
    // the retry must neither store it again nor be a 500.
    throw new ReceiptUnavailableError({ cause: err });
  }
}

/**
 * The idempotency key of a submit, always bound to the client (the keyed hash of its network):
 * another client that sends the same Idempotency-Key, even with the same body, is a new request
 * and never gets the first client's receipt (nor a 422 that tells it the key is in use).
 */
export function idempotencyKeyOf(clientKey: string, idempotencyKey: string | undefined, bodyHash: string) {
  return idempotencyKey !== undefined
    ? `header:${clientKey}:${sha256(idempotencyKey)}`
    : `body:${clientKey}:${bodyHash}`;
}

export interface IntakeRequest {
  /** The parsed body, not yet validated. */
  input: unknown;
  /** The keyed hash of the source IP (client-key.ts). */
  clientKey: string;
  /** The `Idempotency-Key` header, when the client sent one. */
  idempotencyKey?: string | undefined;
  /** How long the invocation may still run: a crash leaves an in-progress mark only this long. */
  remainingMs?: number;
  /** The body was a form post (form-urlencoded): it must carry a valid form token. */
  viaForm?: boolean;
}

export type IntakeOutcome = SubmitReceipt & { replayed: boolean };

export interface IdempotentIntakeProps {
  client: DynamoDBClient;
  /** The idempotency table (key `id`, TTL `expiration`). */
  tableName: string;
  submitTip: SubmitTip;
  /** Seals the receipt code in the idempotency record (RECEIPT_HASH_SECRET). */
  receiptKeys: ReceiptKeys;
  /** A retry within this window gets the first answer (DESIGN: 10 minutes). */
  windowSeconds: number;
  /** How long a second, concurrent request waits for the first one's answer before a 409. */
  waitForInProgressMs?: number;
}

const KEY_HEADER = /^[\x21-\x7e]{1,255}$/;

/** Key order and formatting do not make a body different; validated values are already normalised. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * Intake made idempotent with Powertools' DynamoDB persistence: the key is (client key,
 * `Idempotency-Key`), or without the header (client key, canonical body hash), so a retried or
 * double-clicked submit within the window returns the first 201 and stores nothing new.
 *
 * Only a stored tip is remembered: any error (400, 503...) deletes the in-progress record,
 * so a retry after a 503 can succeed. Invalid bodies are refused before the idempotency
 * table is touched.
 */
export function makeIdempotentIntake({
  client,
  tableName,
  submitTip,
  receiptKeys,
  windowSeconds,
  waitForInProgressMs = 2_000,
}: IdempotentIntakeProps) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    // The same Idempotency-Key with another body is refused, never answered with someone's receipt.
    payloadValidationJmesPath: 'bodyHash',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: windowSeconds,
    hashFunction: 'sha256',
  });

  interface Work {
    submission: TipSubmission;
    clientKey: string;
    viaForm: boolean;
    ran: boolean;
  }

  const storeOnce = makeIdempotent(
    async (
      _payload: { key: string; bodyHash: string },
      _context: { getRemainingTimeInMillis(): number },
      work: Work,
    ): Promise<StoredSubmitReceipt> => {
      work.ran = true;
      return sealed(
        submitReceiptOf(await submitTip.validated(work.submission, { viaForm: work.viaForm })),
        receiptKeys,
      );
    },
    { persistenceStore, config, keyPrefix: 'tipline-intake' },
  );

  return async function submit({
    input,
    clientKey,
    idempotencyKey,
    remainingMs = 15_000,
    viaForm = false,
  }: IntakeRequest): Promise<IntakeOutcome> {
    if (idempotencyKey !== undefined && !KEY_HEADER.test(idempotencyKey)) {
      throw new ValidationError([
        {
          path: 'Idempotency-Key',
          message: 'the Idempotency-Key header must be 1-255 visible ASCII characters',
        },
      ]);
    }
    const submission = validateSubmission(input);
    const bodyHash = sha256(canonicalJson(submission));
    const key = idempotencyKeyOf(clientKey, idempotencyKey, bodyHash);
    const context = { getRemainingTimeInMillis: () => remainingMs };
    const deadline = Date.now() + waitForInProgressMs;
    for (let attempt = 0; ; attempt++) {
      const work: Work = { submission, clientKey, viaForm, ran: false };
      try {
        const stored = await storeOnce({ key, bodyHash }, context, work);
        return { ...unsealed(stored, receiptKeys), replayed: !work.ran };
      } catch (err) {
        const name = err instanceof Error ? err.name : '';
        // A concurrent twin: its answer is usually a few ms away, and a browser's double
        // submit shows only the second response, so wait for the first one's receipt.
        if (name === 'IdempotencyAlreadyInProgressError') {
          if (Date.now() + 100 > deadline) throw new IdempotencyInProgressError();
          await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 250)));
          continue;
        }
        throw translate(err);
      }
    }
  };
}

/** Powertools' errors as this project's typed errors; anything from submitTip passes unchanged. */
function translate(err: unknown): unknown {
  const name = err instanceof Error ? err.name : '';
  if (name === 'IdempotencyValidationError') return new IdempotencyKeyReusedError();
  if (name === 'IdempotencyPersistenceLayerError' || name === 'IdempotencyInconsistentStateError') {
    return new StoreUnavailableError(5, { cause: err });
  }
  return err;
}

export type IdempotentIntake = ReturnType<typeof makeIdempotentIntake>;
