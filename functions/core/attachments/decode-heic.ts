import sharp, { type Sharp } from 'sharp';

/**
 * Decodes a HEIC (HEVC-coded HEIF: what iPhones save by default) with libheif compiled to
 * WebAssembly (`heic-decode` over `libheif-js`): the prebuilt sharp reads HEIF's boxes but has
 * no HEVC decoder. libheif applies the container's rotation and mirroring (`irot`, `imir`) while
 * decoding; the EXIF Orientation an iPhone also writes must be ignored (HEIF says the container
 * wins), or the picture would be turned twice. The pixels come back as 8-bit RGBA, handed to
 * sharp for encoding. The first top-level picture is decoded; depth maps, gain maps and
 * thumbnails are not, so nothing of them reaches the copy.
 *
 * Loaded on the first HEIC only: compiling the WebAssembly costs about 50 ms and 20 MB, which a
 * PDF or a JPEG need not pay. A bundle keeps `heic-decode` outside, shipped in node_modules as
 * sharp is: the Emscripten loader needs a CommonJS module's `__dirname`, and libheif (LGPL-3.0)
 * then stays a separate library that can be replaced. The library hands the pixels over in a
 * `setTimeout` (a test with fake timers must advance them), and prints a plain line to the log
 * when a picture cannot be decoded (libheif's error, nothing of the file).
 */
export async function decodeHeic(bytes: Uint8Array): Promise<Sharp> {
  const { default: decodeHeicImage } = await import('heic-decode');
  const { width, height, data } = await decodeHeicImage({ buffer: bytes });
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
  });
}
