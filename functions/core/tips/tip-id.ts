import { NotFoundError } from '#core/http/errors';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A tip id from a path. What is not a ULID cannot be a tip: it is answered without a read. */
export function parseTipId(raw: string | undefined): string {
  const id = raw ?? '';
  if (!ULID.test(id)) throw new NotFoundError('no such tip');
  return id;
}
