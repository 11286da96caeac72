import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cleaningBench } from './cleaning';
import { type CleaningResults, renderCleaning } from './run';
import { ROOT, round } from './support';

/**
 * `npm run bench:cleaning`: the attachment-cleaning phase of `npm run bench` alone (a minute or
 * two, against nothing but the files), its numbers written into bench/results.json's `cleaning`
 * with their own time and load average, the rest of the file left as the last full run wrote it.
 * BENCH_CLEAN_RUNS (3) timed runs per side; BENCH_CLEAN_QUICK=1 measures the smallest size of each type.
 */
const runs = Number(process.env.BENCH_CLEAN_RUNS ?? 3);
const quick = process.env.BENCH_CLEAN_QUICK === '1';
const load = loadavg()[0] ?? 0;
const points = await cleaningBench(runs, quick, (m) => process.stderr.write(`[bench] ${m}\n`));
const cleaning: CleaningResults = { at: new Date().toISOString(), loadAverage: round(load, 1), points };
const file = join(ROOT, 'bench', 'results.json');
const results = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
if (!quick) writeFileSync(file, `${JSON.stringify({ ...results, cleaning }, null, 2)}\n`);
process.stdout.write(`${renderCleaning(cleaning)}\n`);
process.exit(0);
