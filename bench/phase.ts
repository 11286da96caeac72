import { writeFileSync } from 'node:fs';
import { cleaningBench } from './cleaning';
import { gatewayLoad } from './gateway-load';
import { staffList } from './staff-list';
import { startDynaliteProcess } from './support';
import { warmIntake } from './warm-intake';

/**
 * One measured phase in its own process (`node --import tsx bench/phase.ts <phase> <out.json>`):
 * its logs go to a file instead of the table, and no phase warms or burdens another's heap.
 */
const [phase, outFile] = process.argv.slice(2);
if (!phase || !outFile) throw new Error('usage: phase.ts <warm|load|staff|cleaning> <out.json>');

async function withDynalite<T>(f: (url: string) => Promise<T>): Promise<T> {
  const dynalite = await startDynaliteProcess();
  try {
    return await f(dynalite.url);
  } finally {
    await dynalite.stop();
  }
}

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

let result: unknown;
if (phase === 'warm') {
  result = await withDynalite((url) => warmIntake(url, num('BENCH_WARM_CALLS', 2_000), 200));
} else if (phase === 'load') {
  result = await gatewayLoad(num('BENCH_LOAD_CONNECTIONS', 10), num('BENCH_LOAD_SECONDS', 10));
} else if (phase === 'staff') {
  const sizes = (process.env.BENCH_STAFF_SIZES ?? '1000,10000,50000').split(',').map(Number);
  result = await withDynalite((url) => staffList(url, sizes));
} else if (phase === 'cleaning') {
  result = await cleaningBench(num('BENCH_CLEAN_RUNS', 3), process.env.BENCH_CLEAN_QUICK === '1');
} else {
  throw new Error(`unknown phase ${phase}`);
}
writeFileSync(outFile, JSON.stringify(result, null, 2));
process.exit(0);
