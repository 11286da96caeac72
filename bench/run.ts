import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { FLOOD_DEFAULTS } from '#core/config/notifier-config';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { type BundleReport, buildBundles } from './bundle';
import type { CleaningPoint } from './cleaning';
import { type ColdVariant, coldInit } from './cold-init';
import { type CostLine, costOfAMillionTips, PRICES } from './cost';
import type { LoadResult } from './gateway-load';
import { benchEnv, createBenchTables } from './phase-env';
import type { StaffListPoint } from './staff-list';
import { ROOT, ratio, round, startDynaliteProcess, WORK } from './support';
import type { WarmResult } from './warm-intake';

/**
 * `npm run bench`: every measure next to its floor, in one run, one table, bench/results.json.
 * Sizes are env-tunable for a quick look (BENCH_COLD_RUNS, BENCH_WARM_CALLS, BENCH_LOAD_SECONDS,
 * BENCH_LOAD_CONNECTIONS, BENCH_STAFF_SIZES); the defaults are what the README quotes.
 */
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 30);
const COLD = {
  floor: 'empty handler (floor)',
  shipped: 'intake as shipped (bundle + --enable-source-maps)',
  noMaps: 'intake bundle without --enable-source-maps',
  fullChain: 'intake, full SDK credential chain (before)',
  external: 'intake, @aws-sdk/* external',
  unbundled: 'intake unbundled (node_modules)',
} as const;
/** The notifier is not timed here: one SES send (~50–100 ms in region) dominates its duration. */
const NOTIFIER_MS = 100;

function log(message: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A phase in its own process; its stdout (the functions' JSON logs) goes to bench/.work/<phase>.log. */
function runPhase<T>(phase: string): Promise<T> {
  const out = join(WORK, `${phase}.json`);
  const logFile = join(WORK, `${phase}.log`);
  return new Promise((resolve, reject) => {
    const child = spawn(`${process.execPath} --import tsx bench/phase.ts ${phase} ${out} > ${logFile} 2>&1`, {
      cwd: ROOT,
      shell: true,
      stdio: 'ignore',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`phase ${phase} failed (${code}); see ${logFile}`));
      else resolve(JSON.parse(readFileSync(out, 'utf8')) as T);
    });
  });
}

const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
const ms = (x: number) => `${round(x, 1)} ms`;
const signed = (x: number) => `${x < 0 ? '−' : '+'}${ms(Math.abs(x))}`;
const mark = (ok: boolean) => (ok ? 'yes' : '**no**');

async function main() {
  // Node 20 here, 22 in Lambda: no "upgrade Node" warning from the SDK in the bench's own output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  log('bundling (esbuild, as infra ships each function)');
  const bundles = await buildBundles();

  log(`cold init: ${COLD_RUNS} fresh processes per variant, interleaved`);
  const dynalite = await startDynaliteProcess();
  const admin = makeDynamoClients({ region: 'us-east-1', endpoint: dynalite.url });
  const coldTables = await createBenchTables(admin, 'bench-cold');
  const { variants } = bundles;
  let cold: ColdVariant[];
  try {
    cold = await coldInit(
      [
        { name: COLD.floor, file: variants.floor },
        // infra sets NODE_OPTIONS=--enable-source-maps: Node then reads the .map at load.
        { name: COLD.shipped, file: variants.shipped, env: { NODE_OPTIONS: '--enable-source-maps' } },
        { name: COLD.noMaps, file: variants.shipped },
        { name: COLD.fullChain, file: variants.fullChain },
        { name: COLD.external, file: variants.sdkExternal },
        { name: COLD.unbundled, file: variants.unbundled },
        ...bundles.steps.map((st) => ({ name: `step: ${st.name}`, file: st.file })),
      ],
      benchEnv({ ...coldTables, DYNAMODB_ENDPOINT: dynalite.url }),
      COLD_RUNS,
    );
  } finally {
    admin.client.destroy();
    await dynalite.stop();
  }

  log('warm intake: in process against dynalite vs bare PutItem');
  const warm = await runPhase<WarmResult>('warm');
  log('through the gateway: autocannon on POST /tips');
  const load = await runPhase<LoadResult>('load');
  log('staff list: first filtered page at growing table sizes');
  const staff = await runPhase<StaffListPoint[]>('staff');
  log('attachment cleaning: each type at a few sizes, next to a plain decode/encode or copy');
  const cleaningLoad = loadavg()[0] ?? 0;
  const cleaning = {
    at: new Date().toISOString(),
    loadAverage: round(cleaningLoad, 1),
    points: await runPhase<CleaningPoint[]>('cleaning'),
  };

  const cost = costOfAMillionTips({
    putWru: warm.writeCost.tableWru + warm.writeCost.indexWru,
    alertedWru: warm.writeCost.alertedWru,
    // Each of the submit's other DynamoDB calls writes a small (< 1 KB) guard or idempotency item,
    // and the notifier's flood counter adds one more.
    otherWritesPerSubmit: Math.round(warm.handler.dynamoCalls) - 1 + 1,
    intakeMs: warm.handler.p50,
    notifierMs: NOTIFIER_MS,
    memoryMb: 512,
    floodMaxAlerts: FLOOD_DEFAULTS.maxAlerts,
    floodWindowSeconds: FLOOD_DEFAULTS.windowSeconds,
  });
  const results = {
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      // The machine is shared: the 1-minute load average says how quiet the run was.
      loadAverage: { start: round(loadBefore, 1), end: round(loadavg()[0] ?? 0, 1) },
    },
    seconds: Math.round((Date.now() - started) / 1000),
    bundles: bundles.functions,
    initSteps: bundles.steps.map(({ name, bytes }) => ({ name, bytes })),
    cold,
    warm,
    load,
    staff,
    cost: { prices: PRICES, notifierMsAssumed: NOTIFIER_MS, ...cost },
    cleaning,
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderTable(results)}\n`);
  log(`done in ${results.seconds} s; bench/results.json written`);
}

interface Results {
  at: string;
  machine: {
    node: string;
    cpus: number;
    cpu: string | undefined;
    loadAverage: { start: number; end: number };
  };
  seconds: number;
  bundles: BundleReport[];
  initSteps: { name: string; bytes: number }[];
  cold: ColdVariant[];
  warm: WarmResult;
  load: LoadResult;
  staff: StaffListPoint[];
  cost: { lines: CostLine[]; total: number; digest: CostLine[] };
  /** `npm run bench:cleaning` refreshes this part alone: its own time and load average. */
  cleaning?: CleaningResults;
}

export interface CleaningResults {
  at: string;
  loadAverage: number;
  points: CleaningPoint[];
}

const mb = (x: number) => `${round(x, x < 10 ? 2 : 1)} MB`;

/** Cleaning per type and size: ms per MB of input and peak RSS, each next to its reference. */
export function renderCleaning(c: CleaningResults): string {
  const header = [
    'file',
    'size',
    'cleaning ms/MB (ms)',
    'reference ms/MB (ms)',
    'ratio',
    'peak RSS clean / reference',
  ];
  const rows = c.points.map((p) => [
    `${p.type} ${p.label}`,
    `${mb(p.inputMB)} → ${mb(p.outputMB)}`,
    `${round(p.clean.msPerMB, 1)} (${ms(p.clean.ms)})`,
    `${round(p.reference.msPerMB, 1)} (${ms(p.reference.ms)})`,
    `${ratio(p.clean.ms, p.reference.ms)}×`,
    `${round(p.clean.peakRssMB, 0)} / ${round(p.reference.peakRssMB, 0)} MB`,
  ]);
  return [
    `Attachment cleaning, ${c.at} (load average ${c.loadAverage}; median of ${c.points[0]?.runs ?? 0} runs after one unmeasured, each side in a fresh process):`,
    '',
    ...[header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

export function renderTable(r: Results): string {
  const byName = (n: string) => {
    const v = r.cold.find((c) => c.name === n);
    if (!v) throw new Error(`no cold variant ${n}`);
    return v;
  };
  const floor = byName(COLD.floor);
  const shipped = byName(COLD.shipped);
  const noMaps = byName(COLD.noMaps);
  const external = byName(COLD.external);
  const fullChain = byName(COLD.fullChain);
  const unbundled = byName(COLD.unbundled);
  const intake = r.bundles.find((b) => b.name === 'intake');
  const w = r.warm;
  const staffCaps = r.staff.map((s) => s.capacity);
  const capSpread = (Math.max(...staffCaps) - Math.min(...staffCaps)) / Math.min(...staffCaps);
  const rows: string[][] = [];
  const row = (...cells: string[]) => rows.push(cells);

  for (const b of r.bundles) {
    const dead = b.deadWeight.reduce((a, d) => a + d.bytes, 0);
    row(
      `bundle: ${b.name}`,
      kb(b.bytes),
      `never run: ${kb(dead)}`,
      '',
      b.name === 'intake' ? '≤ 300 KB, nothing unused' : '',
      b.name === 'intake' ? mark(b.bytes <= 300 * 1024 && dead === 0) : '',
    );
  }
  for (const v of [shipped, noMaps, fullChain, external, unbundled]) {
    row(
      `cold init, ${v.name}: wall p50 / p95; CPU p50`,
      `${ms(v.init.p50)} / ${ms(v.init.p95)}; CPU ${ms(v.initCpu.p50)}`,
      `floor ${ms(floor.init.p50)} / ${ms(floor.init.p95)}; CPU ${ms(floor.initCpu.p50)}`,
      `${ratio(v.init.p50, floor.init.p50)}× (CPU ${ratio(v.initCpu.p50, floor.initCpu.p50)}×)`,
      v === shipped ? '≤ 1.5× floor' : '',
      v === shipped ? mark(v.init.p50 <= 1.5 * floor.init.p50) : '',
    );
  }
  // Each step adds one piece to the one before: what stands between the floor and the handler.
  const steps = [
    { name: 'empty handler', bytes: 0, v: floor },
    ...r.initSteps.map((st) => ({ ...st, v: byName(`step: ${st.name}`) })),
    { name: '+ the rest of intake (= no source maps)', bytes: intake?.bytes ?? 0, v: noMaps },
  ];
  row(
    'where intake init goes (CPU p50, each step adds to the one before)',
    steps.map((st) => `${st.name} ${ms(st.v.initCpu.p50)}`).join(' → '),
    `bundles ${steps.map((st) => kb(st.bytes)).join(' → ')}`,
    '',
    '',
    '',
  );
  row(
    'cold init: as shipped vs unbundled (wall p50)',
    ms(shipped.init.p50),
    `unbundled ${ms(unbundled.init.p50)}`,
    `${ratio(shipped.init.p50, unbundled.init.p50)}× (CPU ${ratio(shipped.initCpu.p50, unbundled.initCpu.p50)}×)`,
    '≤ 0.5×',
    mark(shipped.init.p50 <= 0.5 * unbundled.init.p50),
  );
  row(
    `cold start to first answer (POST /tips, ${Math.round(r.warm.handler.dynamoCalls)} DynamoDB calls): wall p50 / p95; CPU p50`,
    `${ms(shipped.first.p50)} / ${ms(shipped.first.p95)}; CPU ${ms(shipped.firstCpu.p50)}`,
    `floor ${ms(floor.first.p50)}`,
    `${ratio(shipped.first.p50, floor.first.p50)}×`,
    '',
    '',
  );
  row(
    'RSS after init / after first answer (p50)',
    `${round(shipped.rssInitMB.p50, 1)} / ${round(shipped.rssMB.p50, 1)} MB`,
    `floor ${round(floor.rssInitMB.p50, 1)} MB`,
    '',
    '≤ 90 MB',
    mark(shipped.rssMB.p50 <= 90),
  );
  for (const [label, side] of [
    ['as deployed', w.handler],
    ['defences off', w.handlerCore],
  ] as const) {
    const target = side === w.handler;
    row(
      `warm intake p50, ${label} (${w.calls} calls; ${side.dynamoCalls} DynamoDB call${side.dynamoCalls === 1 ? '' : 's'} each)`,
      ms(side.p50),
      `PutItem ${ms(w.floor.p50)}`,
      `${ratio(side.p50, w.floor.p50)}× (${signed(side.p50 - w.floor.p50)})`,
      target ? '≤ 1.3× and ≤ +1 ms' : '',
      target ? mark(side.p50 <= 1.3 * w.floor.p50 && side.p50 - w.floor.p50 <= 1) : '',
    );
    row(
      `warm intake p99, ${label}`,
      ms(side.p99),
      `PutItem ${ms(w.floor.p99)}`,
      signed(side.p99 - w.floor.p99),
      target ? '≤ +3 ms' : '',
      target ? mark(side.p99 - w.floor.p99 <= 3) : '',
    );
  }
  row(
    'warm intake: first call (connection set-up)',
    `${ms(w.handler.firstMs)} (defences off ${ms(w.handlerCore.firstMs)})`,
    `PutItem ${ms(w.floor.firstMs)}`,
    '',
    '',
    '',
  );
  const wc = w.writeCost;
  row(
    'DynamoDB write units per stored tip',
    `${wc.tableWru + wc.indexWru} WRU`,
    `table ${wc.tableWru} + ${wc.indexes.length} GSIs ${wc.indexWru} (item ${wc.itemBytes} B)`,
    `${ratio(wc.tableWru + wc.indexWru, wc.tableWru)}×`,
    '',
    '',
  );
  const l = r.load;
  row(
    `gateway POST /tips, ${l.connections} connections × ${l.durationSeconds} s`,
    `${l.requestsPerSecond} req/s, p99 ${l.latencyMs.p99} ms`,
    `${l.requests} requests; stack CPU ${l.stackCpuMsPerTip} ms a tip (alert included)`,
    '',
    '',
    '',
  );
  row(
    'gateway: errors / non-201 / lost',
    `${l.errors + l.timeouts} / ${l.requests - l.accepted} / ${l.lost}`,
    `accepted ${l.accepted}, stored ${l.stored}`,
    '',
    '0 errors, 0 lost',
    mark(l.errors + l.timeouts === 0 && l.lost === 0 && l.requests === l.accepted),
  );
  for (const s of r.staff) {
    row(
      `staff first page (status=new, topic=europe) at ${s.stored.toLocaleString('en')} tips`,
      `${s.capacity} RCU, ${s.items} items`,
      `p50 ${ms(s.latency.p50)}, p95 ${ms(s.latency.p95)}`,
      '',
      s === r.staff[r.staff.length - 1] ? 'capacity flat ±10%' : '',
      s === r.staff[r.staff.length - 1] ? mark(capSpread <= 0.1) : '',
    );
  }
  const header = ['measure', 'Tipline', 'floor / reference', 'ratio', 'target', 'met'];
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  const details: string[] = [];
  if (intake) {
    for (const b of r.bundles) {
      details.push(
        `- ${b.name} (${kb(b.bytes)}): ${b.top
          .slice(0, 6)
          .map((t) => `${t.name} ${kb(t.bytes)}`)
          .join(', ')}`,
      );
      for (const d of b.deadWeight) details.push(`  - never run: ${d.what} ${kb(d.bytes)} (${d.why})`);
    }
  }
  const costLines = [
    '| a million tips | basis | USD |',
    '| --- | --- | ---: |',
    ...r.cost.lines.map((l) => `| ${l.item} | ${l.basis} | ${l.dollars.toFixed(2)} |`),
    `| **total** | | **${r.cost.total.toFixed(2)}** |`,
    ...r.cost.digest.map((l) => `| ${l.item} | ${l.basis} | ${l.dollars.toFixed(2)} |`),
  ];
  return [
    `Tipline bench, ${r.at} (Node ${r.machine.node}, ${r.machine.cpus} cores, load average ${r.machine.loadAverage.start} → ${r.machine.loadAverage.end}; ${r.seconds} s)`,
    '',
    ...lines,
    '',
    'Largest parts of each bundle (esbuild metafile):',
    ...details,
    '',
    `A million tips in AWS (${PRICES.region} on-demand prices, checked ${PRICES.checked}; free tiers left out):`,
    '',
    ...costLines,
    ...(r.cleaning ? ['', renderCleaning(r.cleaning)] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  process.exit(0);
}
