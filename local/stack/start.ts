import { ConfigError } from '#core/config/load-config';
import { configSourceLines, type StartConfig, startConfigFromEnv } from './env-config';
import { type LocalStack, startLocalStack } from './stack';

// The variables the Lambdas read (and .env), checked with their schemas before anything starts:
// a bad value ends npm start with one line that names it.
let config: StartConfig;
let stack: LocalStack;
try {
  config = startConfigFromEnv();
  stack = await startLocalStack(config.options);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(2);
}

console.log(`
Tipline is running locally
  reader form + API  ${stack.apiUrl}/
  staff inbox        ${stack.apiUrl}/staff   ("Get a local token" signs you in)
  reader follow-up   ${stack.apiUrl}/follow-up
  health             ${stack.apiUrl}/health
  desk mailbox (SES) ${stack.sesUrl}/
  DynamoDB (dynalite) ${stack.dynamoUrl}   table ${stack.env.TIPS_TABLE}
  S3 (s3rver)        ${stack.s3Url}   buckets ${stack.env.UPLOADS_BUCKET}, ${stack.env.CLEAN_BUCKET}
  staff token issuer ${stack.issuer.url}/.well-known/jwks.json   (npm run token -- --user alice)
  data kept in       ${config.options.dataDir}/
Configuration (names only; anything unset is a local default, see docs/configuration.md)
${configSourceLines(config).join('\n')}
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
