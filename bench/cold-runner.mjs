// One cold start, as Lambda does it: a fresh Node process imports the handler's module, then
// answers one event. Prints one line: `@@bench {json}`. Times are from the process's own start
// (performance.timeOrigin), so Node's bootstrap is in every number, the floor's included.
import { pathToFileURL } from 'node:url';

const [file, eventJson] = process.argv.slice(2);
const mod = await import(pathToFileURL(file).href);
const initMs = performance.now();
// CPU time (user + system) since the process began: on a shared, busy machine this moves far
// less than wall time, which waits for a core as well as working.
const cpu = process.cpuUsage();
const initCpuMs = (cpu.user + cpu.system) / 1000;
const rssInitMB = process.memoryUsage.rss() / 2 ** 20;
const response = await mod.handler(JSON.parse(eventJson), { awsRequestId: 'bench-cold' });
const firstMs = performance.now();
const cpuAfter = process.cpuUsage();
const firstCpuMs = (cpuAfter.user + cpuAfter.system) / 1000;
const rssMB = process.memoryUsage.rss() / 2 ** 20;
process.stdout.write(
  `@@bench ${JSON.stringify({ initMs, firstMs, initCpuMs, firstCpuMs, rssInitMB, rssMB, status: response.statusCode })}\n`,
);
// The SDK keeps its socket open: Lambda would freeze the process here; we end it.
process.exit(0);
