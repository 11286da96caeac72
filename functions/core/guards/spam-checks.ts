import { createHmac } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#core/tips/tip-store';
import { deriveKey } from './client-key';
import type { FormTokens } from './form-token';

/** Why a tip was kept from the desk; stored on the tip and in its history for an editor. */
export type QuarantineReason =
  | 'honeypot'
  | 'missing-form-token'
  | 'bad-form-token'
  | 'stale-form-token'
  | 'reused-form-token'
  | 'too-fast'
  | 'duplicate';

/** A guard-table item a submission took (a fingerprint, a form token's nonce): given back if the tip is not stored. */
export interface GuardClaim {
  pk: string;
  tipId: string;
}

export type FingerprintClaim = GuardClaim;

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
// Combining marks, once letters are decomposed: a dot above an `i`, a dot below a Latin letter,
// an Arabic vowel sign are next to invisible added to a copy; the fold drops them all.
const MARKS = /\p{Mn}/gu;
// Blank glyphs that are neither white space nor default-ignorable (U+2800 BRAILLE PATTERN
// BLANK is the usual "invisible character" of spam): read as a space.
const BLANKS = /[\u2800\u3000]/g;
// Latin letter small capitals (`ᴘᴏʀᴛ` for `port`): no case mapping and no confusables entry
// takes them to their letters, so this does.
const SMALL_CAPITALS: Record<string, string> = Object.fromEntries(
  [...'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ'].map((c, i) => [c, 'abcdefghijklmnopqrstuvwyz'[i] as string]),
);
const SMALL_CAPITAL = new RegExp(`[${Object.keys(SMALL_CAPITALS).join('')}]`, 'gu');

/**
 * What the duplicate check compares, never what is stored: a copy with other case, spacing,
 * compatibility forms (NFKC), combining marks, blank or invisible characters or look-alike letters from another script
 * (Cyrillic `е` for Latin `e`, Greek `Α` for `A`: Unicode's confusables skeleton, UTS #39)
 * folds to the same text. The fold is lossy on purpose (a Ukrainian message folds to a Latin
 * jumble), which is why only its keyed hash is kept.
 */
export async function normaliseMessage(message: string): Promise<string> {
  // Loaded on the first fingerprint, not at cold start: building its pattern takes ~36 ms.
  const { default: unhomoglyph } = await import('unhomoglyph');
  // One case first (lower then upper: `ß` and the like settle), then the skeleton of the
  // capitals: it is case-sensitive, and capitals are where Cyrillic and Greek look Latin
  // (`Т Н Е Р О С` → `T H E P O C`; lower-case Greek `τ` would map to `ᴛ`, not `t`).
  const capitals = message
    .replace(BLANKS, ' ')
    .normalize('NFKD')
    .replace(INVISIBLE, '')
    .replace(MARKS, '')
    .normalize('NFKC')
    .replace(SMALL_CAPITAL, (c) => SMALL_CAPITALS[c] ?? c)
    .toLowerCase()
    .toUpperCase();
  return unhomoglyph(capitals).toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The checks a submission passes before it is stored: the signed, single-use form token and
 * the duplicate fingerprint (the honeypot is checked from the submission itself).
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
  const fingerprintOf = async (message: string) =>
    createHmac('sha256', fpKey)
      .update(await normaliseMessage(message))
      .digest('base64url');

  return {
    /**
     * Checks the form token and takes its nonce, so each token stores one tip: a reused one is
     * quarantined `reused-form-token`. A form post (form-urlencoded: only the reader form and
     * bots send one) without a token is quarantined `missing-form-token`; a JSON client without
     * one passes (an API client never saw the form). When the guard table does not answer, the
     * nonce is not checked and the tip is not quarantined for it.
     */
    async claimFormToken(
      token: string | undefined,
      tipId: string,
      { viaForm }: { viaForm: boolean },
    ): Promise<{ reason?: QuarantineReason; claim?: GuardClaim }> {
      const check = formTokens.inspect(token);
      if (check.verdict === 'absent') return viaForm ? { reason: 'missing-form-token' } : {};
      if (check.verdict !== 'ok') return { reason: check.verdict };
      const claim = { pk: `form#${check.nonce}`, tipId };
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            // Kept until the token expires: after that it is refused as stale anyway.
            Item: { ...claim, expiresAt: check.expiresAtS },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': Math.floor(clock().getTime() / 1000) },
          }),
        );
        return { claim };
      } catch (err) {
        return isConditionFailure(err) ? { reason: 'reused-form-token' } : {};
      }
    },

    /**
     * Claims the message's fingerprint for `tipId`. 'duplicate' when another tip holds it within
     * the window; 'unavailable' when the table does not answer (the tip is then not quarantined).
     */
    async claimFingerprint(
      message: string,
      tipId: string,
    ): Promise<{ outcome: 'first'; claim: FingerprintClaim } | { outcome: 'duplicate' | 'unavailable' }> {
      const fingerprint = await fingerprintOf(message);
      const nowS = Math.floor(clock().getTime() / 1000);
      const claim = { pk: `fp#${fingerprint}`, tipId };
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...claim, expiresAt: nowS + duplicateWindowSeconds },
            // An expired claim (TTL deletes lazily) no longer counts.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowS },
          }),
        );
        return { outcome: 'first', claim };
      } catch (err) {
        return { outcome: isConditionFailure(err) ? 'duplicate' : 'unavailable' };
      }
    },

    /**
     * Gives a claim back when its tip could not be stored, so the reader's retry is taken for
     * neither a duplicate nor a reused token of a tip that does not exist. Best effort: the
     * caller is already failing.
     */
    async release({ pk, tipId }: GuardClaim): Promise<void> {
      await doc
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk },
            ConditionExpression: 'tipId = :tipId',
            ExpressionAttributeValues: { ':tipId': tipId },
          }),
        )
        .catch(() => undefined);
    },
  };
}

export type SpamChecks = ReturnType<typeof makeSpamChecks>;
