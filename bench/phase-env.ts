import { BENCH_ENV } from './support';

/**
 * The env every function of the bench is configured from: what `npm start` uses, with fixed
 * dev secrets. Rate limiting, where configured, is set so high that the bench measures work,
 * not 429s: its counters are still written on every request, so their cost is in the numbers.
 */
export function benchEnv(extra: Record<string, string>): Record<string, string> {
  return {
    ...BENCH_ENV,
    DESK_ADDRESS: 'world-desk@newsroom.example',
    SENDER_ADDRESS: 'tipline@newsroom.example',
    CURSOR_SECRET: 'bench-cursor-secret-0123456789abcdef',
    CLIENT_HASH_SECRET: 'bench-client-hash-secret-0123456789abcdef',
    ...extra,
  };
}
