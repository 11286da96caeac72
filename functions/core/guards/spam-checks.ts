import { createHmac } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import unhomoglyph from 'unhomoglyph';
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

// Format characters (U+200B, U+2060, U+202E...) and the other default-ignorables (variation
// selectors, U+3164 HANGUL FILLER...) render as nothing: inserting them must not make a copy new.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * What the duplicate check compares, never what is stored: a copy with other case, spacing,
 * compatibility forms (NFKC), invisible characters or look-alike letters from another script
 * (Cyrillic `е` for Latin `e`, Greek `Α` for `A`: Unicode's confusables skeleton, UTS #39)
 * folds to the same text. The fold is lossy on purpose (a Ukrainian message folds to a Latin
 * jumble), which is why only its keyed hash is kept.
 */
export function normaliseMessage(message: string): string {
  // One case first (lower then upper: `ß` and the like settle), then the skeleton of the
  // capitals: it is case-sensitive, and capitals are where Cyrillic and Greek look Latin
  // (`Т Н Е Р О С` → `T H E P O C`; lower-case Greek `τ` would map to `ᴛ`, not `t`).
  const capitals = message.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().toUpperCase();
  return unhomoglyph(capitals).toLowerCase().replace(/\s+/g, ' ').trim();
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
