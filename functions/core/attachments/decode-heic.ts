import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/** The picture a HEIC shows, decoded: RGBA, 4 bytes a pixel. */
type Pixels = { width: number; height: number; data: Uint8ClampedArray };

/**
 * Decodes a HEIC (HEVC-coded HEIF: what iPhones save by default) with libheif compiled to
 * WebAssembly (`libheif-js`): the prebuilt sharp reads HEIF's boxes but has no HEVC decoder.
 * The primary picture is decoded (the one a viewer shows), not merely the first. libheif
 * applies the container's rotation and mirroring (`irot`, `imir`) while decoding; the EXIF
 * Orientation an iPhone also writes must be ignored (HEIF says the container wins), or the
 * picture would be turned twice. The pixels come back in the picture's own colours (an
 * iPhone's are Display P3); given the picture's ICC profile, they are handed to sharp as a PNG
 * carrying it, so sharp converts them to sRGB as it does any image's. Depth maps, gain maps and
 * thumbnails are never decoded, so nothing of them reaches the copy.
 *
 * Loaded on the first HEIC only: compiling the WebAssembly costs about 50 ms and 20 MB, which a
 * PDF or a JPEG need not pay. A bundle keeps `libheif-js` outside, shipped in node_modules as
 * sharp is: the Emscripten loader needs a CommonJS module's `__dirname`, and libheif (LGPL-3.0)
 * then stays a separate library that can be replaced. The library hands the pixels over in a
 * `setTimeout` (a test with fake timers must advance them), and prints a plain line to the log
 * when a picture cannot be decoded (libheif's error, nothing of the file).
 */
export async function decodeHeic(bytes: Uint8Array, icc?: Buffer): Promise<Sharp> {
  const { width, height, data } = await decodePrimary(bytes);
  const pixels = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
  });
  if (!icc) return pixels;
  // Uncompressed: this PNG only carries the pixels to the next step.
  const png = await pixels.png({ compressionLevel: 0 }).toBuffer();
  return sharp(withIccChunk(png, icc));
}

async function decodePrimary(bytes: Uint8Array): Promise<Pixels> {
  // The file name in full: the package has no exports map, and Node's ESM resolver adds no extension.
  const { default: libheif } = await import('libheif-js/wasm-bundle.js');
  await libheif.ready;
  const decoder = new libheif.HeifDecoder();
  const images = decoder.decode(bytes);
  try {
    const image = images.find((i) => i.is_primary()) ?? images[0];
    if (!image) throw new Error('no picture in the HEIF file');
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    return await new Promise<Pixels>((resolve, reject) =>
      image.display(target, (done) =>
        done ? resolve(done) : reject(new Error('libheif cannot decode the picture')),
      ),
    );
  } finally {
    for (const image of images) image.free();
    decoder.decoder.delete();
  }
}

// A PNG starts with its 8-byte signature and the IHDR chunk (4 length, 4 type, 13 data, 4 CRC).
const AFTER_IHDR = 8 + 4 + 4 + 13 + 4;

/** The PNG with an iCCP chunk (the profile, deflated) right after IHDR, where PNG wants it. */
function withIccChunk(png: Buffer, icc: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from('iCCP'), Buffer.from('icc\0\0', 'latin1'), deflateSync(icc)]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length - 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([png.subarray(0, AFTER_IHDR), length, body, crc, png.subarray(AFTER_IHDR)]);
}
