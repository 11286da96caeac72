import { PassThrough, Readable } from 'node:stream';
import { runTipsCli } from '../../local/cli/tips-commands';
import type { StaffStack } from './staff-client';

/** A stream that stands in for stdout or stderr (a terminal when `tty`) and keeps all written to it. */
function capture(tty = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  if (tty) stream.isTTY = true;
  return { stream, text: () => text };
}

/**
 * `npm run tips -- <args>` against the staff stack `s`, signed in with its editor's token and
 * with no environment of its own; what it printed comes back. `stdoutTty`/`stderrTty` make that
 * stream look like a terminal (the CLI colours and sizes its output for one); `stdin` is what the
 * CLI reads when an argument is `-`.
 */
export async function runTipsCliOn(
  s: StaffStack,
  args: string[],
  {
    stdoutTty = false,
    stderrTty = false,
    stdin,
  }: { stdoutTty?: boolean; stderrTty?: boolean; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture(stdoutTty);
  const err = capture(stderrTty);
  const token = (s.auth.authorization ?? '').replace('Bearer ', '');
  const code = await runTipsCli([...args, '--url', s.stack.apiUrl, '--token', token], {
    stdout: out.stream,
    stderr: err.stream,
    env: {},
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
