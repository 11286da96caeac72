/**
 * JPEG marker segments a decoder needs (the rest are metadata): APP0 (JFIF) and APP14 (Adobe,
 * which says how CMYK and YCC are stored) are kept with every non-APP marker; APP1 (EXIF, XMP),
 * APP2 (ICC profile, FlashPix), APP13 (IPTC), the other APPn and COM comments are dropped.
 */
const KEPT_APP_MARKERS = new Set([0xe0, 0xee]);

/**
 * Removes metadata segments from a JPEG without decoding it: for JPEG images inside a PDF,
 * whose colour space and size the PDF states, a re-encode could break what the page shows.
 * Returns the bytes unchanged if they do not parse as JPEG segments up to the scan.
 */
export function stripJpegMetadata(bytes: Uint8Array): { bytes: Uint8Array; removed: number } {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return { bytes, removed: 0 };
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let removed = 0;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return { bytes, removed: 0 };
    const marker = bytes[i + 1] ?? 0;
    if (marker === 0xda) {
      // Start of scan: the entropy-coded data and everything after it are kept as they are.
      kept.push(bytes.subarray(i));
      const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
      let at = 0;
      for (const part of kept) {
        out.set(part, at);
        at += part.length;
      }
      return { bytes: out, removed };
    }
    const end = i + 2 + (((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0));
    if (end > bytes.length) return { bytes, removed: 0 };
    const isMetadata = (marker >= 0xe0 && marker <= 0xef && !KEPT_APP_MARKERS.has(marker)) || marker === 0xfe;
    if (isMetadata) removed += 1;
    else kept.push(bytes.subarray(i, end));
    i = end;
  }
  return { bytes, removed: 0 };
}
