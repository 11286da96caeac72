import { PassThrough } from 'node:stream';

/** A stream that stands in for stdout (a terminal when `tty`) and keeps all that was written to it. */
export function capture(tty = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  if (tty) stream.isTTY = true;
  return { stream, text: () => text };
}
