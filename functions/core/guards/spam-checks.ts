import { createHmac } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#core/tips/tip-store';
import { deriveKey } from './client-key';
import type { FormTokens } from './form-token';

/** Why a tip was kept from the desk; stored on the tip and in its history for an editor. */
export type QuarantineReason = 'honeypot' | 'bad-form-token' | 'stale-form-token' | 'too-fast' | 'duplicate';

export interface FingerprintClaim {
  fingerprint: string;
  tipId: string;
}

export interface SpamChecksProps {
  doc: DynamoDBDocumentClient;
  /** The guard table (key `pk`, TTL `expiresAt`). */
  tableName: string;
  secret: string;
  formTokens: FormTokens;
  /** The same message again within this window is quarantined as a duplicate. */
  duplicateWindowSeconds: number;
  clock?: () => Date;
}

/** Case, spacing and line breaks do not make a copy-pasted message new. */
export function normaliseMessage(message: string): string {
  return message.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The checks a submission passes before it is stored: the signed form timestamp and the
 * exact-duplicate fingerprint (the honeypot is checked from the submission itself).
 */
export function makeSpamChecks({
  doc,
  tableName,
  secret,
  formTokens,
  duplicateWindowSeconds,
  clock = () => new Date(),
}: SpamChecksProps) {
  const fpKey = deriveKey(secret, 'message-fingerprint');
  // Keyed, so the guard table cannot be used to confirm a guessed message text.
  const fingerprintOf = (message: string) =>
    createHmac('sha256', fpKey).update(normaliseMessage(message)).digest('base64url');

  return {
    /** JSON clients without a token pass: the token is the form's, an API client never saw one. */
    formTokenReason(token: string | undefined): QuarantineReason | undefined {
      const verdict = formTokens.check(token);
      return verdict === 'absent' || verdict === 'ok' ? undefined : verdict;
    },

    /**
     * Claims the message's fingerprint for `tipId`. 'duplicate' when another tip holds it within
     * the window; 'unavailable' when the table does not answer (the tip is then not quarantined).
     */
    async claimFingerprint(
      message: string,
      tipId: string,
    ): Promise<{ outcome: 'first'; claim: FingerprintClaim } | { outcome: 'duplicate' | 'unavailable' }> {
      const fingerprint = fingerprintOf(message);
      const nowS = Math.floor(clock().getTime() / 1000);
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: `fp#${fingerprint}`, tipId, expiresAt: nowS + duplicateWindowSeconds },
            // An expired claim (TTL deletes lazily) no longer counts.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowS },
          }),
        );
        return { outcome: 'first', claim: { fingerprint, tipId } };
      } catch (err) {
        return { outcome: isConditionFailure(err) ? 'duplicate' : 'unavailable' };
      }
    },

    /**
     * Gives a claim back when its tip could not be stored, so the reader's retry is not taken
     * for a duplicate of a tip that does not exist. Best effort: the caller is already failing.
     */
    async releaseFingerprint({ fingerprint, tipId }: FingerprintClaim): Promise<void> {
      await doc
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: `fp#${fingerprint}` },
            ConditionExpression: 'tipId = :tipId',
            ExpressionAttributeValues: { ':tipId': tipId },
          }),
        )
        .catch(() => undefined);
    },
  };
}

export type SpamChecks = ReturnType<typeof makeSpamChecks>;
