// libheif-js ships types for its Emscripten internals only; this is the part of its JavaScript
// API (libheif-js/wasm-bundle.js) the HEIC decoder uses.
declare module 'libheif-js/wasm-bundle.js' {
  /** RGBA pixels the decoder writes into: `data.length` is `width * height * 4`. */
  interface PixelTarget {
    data: Uint8ClampedArray;
    width: number;
    height: number;
  }
  export interface HeifImage {
    get_width(): number;
    get_height(): number;
    is_primary(): boolean;
    /** Decodes into `target`, applying the HEIF rotation and mirroring; called back with null on failure. */
    display(target: PixelTarget, done: (result: PixelTarget | null) => void): void;
    free(): void;
  }
  export class HeifDecoder {
    /** Every top-level picture of the file (none when it cannot be read). */
    decode(bytes: Uint8Array): HeifImage[];
    /** The Emscripten object behind the decoder, released with `delete()`. */
    decoder: { delete(): void };
  }
  const libheif: { HeifDecoder: typeof HeifDecoder; ready?: Promise<void> };
  export default libheif;
}
