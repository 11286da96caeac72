import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DeadLetterQueue, optionalLetter, parseLetter } from '#core/alerts/dead-letters';

/** The variable that names the file for the local tools (`npm run redrive`); no Lambda reads it. */
export const LOCAL_DLQ_FILE = 'ALERT_DLQ_FILE';

/**
 * The local stand-in for the alerts' SQS dead-letter queue: one JSON line a letter. Local only:
 * the notifier takes it injected from the local stack, so no Lambda bundle holds it.
 */

export function makeFileDeadLetters(file: string): DeadLetterQueue {
  return {
    async put(letter) {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${JSON.stringify(letter)}\n`);
    },
    async receiveAll() {
      if (!existsSync(file)) return [];
      // Taken aside atomically: a notifier appending meanwhile starts a fresh file, nothing is lost.
      const taken = `${file}.redrive-${process.pid}-${Date.now()}`;
      renameSync(file, taken);
      const lines = readFileSync(taken, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      rmSync(taken);
      return lines.map((raw, i) => ({ raw, handle: String(i), ...optionalLetter(parseLetter(raw)) }));
    },
    async remove() {},
    async keep(received) {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${received.raw}\n`);
    },
  };
}
