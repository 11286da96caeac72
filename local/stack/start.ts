import { startLocalStack } from './stack';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${raw}"`);
    process.exit(2);
  }
  return port;
}

const stack = await startLocalStack({
  port: portFromEnv('PORT', 3000),
  dynamoPort: portFromEnv('DYNAMODB_PORT', 8000),
  sesPort: portFromEnv('SES_PORT', 8005),
  issuerPort: portFromEnv('ISSUER_PORT', 8010),
  dataDir: process.env.DATA_DIR || '.data',
  realisticLimits: true,
});

console.log(`
Tipline is running locally
  reader form + API  ${stack.apiUrl}/
  staff inbox        ${stack.apiUrl}/staff   ("Get a local token" signs you in)
  reader follow-up   ${stack.apiUrl}/follow-up
  health             ${stack.apiUrl}/health
  desk mailbox (SES) ${stack.sesUrl}/
  DynamoDB (dynalite) ${stack.dynamoUrl}   table ${stack.env.TIPS_TABLE}
  staff token issuer ${stack.issuer.url}/.well-known/jwks.json   (npm run token -- --user alice)
  data kept in       ${process.env.DATA_DIR || '.data'}/
Ctrl-C stops it.
`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping (delivering pending alerts first)...`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await stack.stop();
  console.log('stopped cleanly');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
