/**
 * What a cleaner found and removed, in words staff read on the tip page ("GPS position",
 * "camera serial number"): never the values themselves, which are what gives a source away.
 * `notes` says what was done to the file besides ("orientation applied", "re-encoded") and
 * what a cleaner knowingly left.
 */
export type CleaningReport = { removed: string[]; notes: string[] };

/** A clean copy and its report; `mime` is the sniffed type of the copy. */
export type CleanedFile = { bytes: Uint8Array; mime: string; report: CleaningReport };

/** Thrown when a file of a cleanable type cannot be read (damaged, truncated, too large). */
export class AttachmentCleaningError extends Error {
  override readonly name = 'AttachmentCleaningError';
}

/** Each item once, in the order first found. */
export function uniqueItems(items: readonly string[]): string[] {
  return [...new Set(items)];
}
