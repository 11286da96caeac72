// One cold start, as Lambda does it: a fresh Node process imports the handler's module, then
// answers one event. Prints one line: `@@bench {json}`. Times are from the process's own start
// (performance.timeOrigin), so Node's bootstrap is in every number, the floor's included.
import { pathToFileURL } from 'node:url';

const [file, eventJson] = process.argv.slice(2);
const mod = await import(pathToFileURL(file).href);
const initMs = performance.now();
const rssInitMB = process.memoryUsage.rss() / 2 ** 20;
const response = await mod.handler(JSON.parse(eventJson), { awsRequestId: 'bench-cold' });
const firstMs = performance.now();
const rssMB = process.memoryUsage.rss() / 2 ** 20;
process.stdout.write(
  `@@bench ${JSON.stringify({ initMs, firstMs, rssInitMB, rssMB, status: response.statusCode })}\n`,
);
// The SDK keeps its socket open: Lambda would freeze the process here; we end it.
process.exit(0);
