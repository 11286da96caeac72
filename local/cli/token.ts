import { parseArgs } from 'node:util';
import { mintLocalToken } from '../stack/token-issuer';

const USAGE = `usage: npm run token -- --user <name> [--groups staff,admin] [--id-token] [--expires <seconds>]
  Prints a JWT from the local issuer (keys under $DATA_DIR/issuer, default .data/issuer): an
  access token like Cognito's (token_use access, client_id, scope tipline/staff, kid).
  --groups   comma-separated Cognito groups (default: staff; "" for none)
  --id-token an id token (aud = client id, no scope) instead: the staff API refuses it (401),
             as in AWS, where staff routes require the tipline/staff scope
  --expires  lifetime in seconds (default 3600)`;

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', short: 'u' },
      groups: { type: 'string', short: 'g' },
      'id-token': { type: 'boolean', default: false },
      expires: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.user) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const expires = Number(values.expires);
  if (!Number.isInteger(expires) || expires <= 0) {
    console.error('--expires must be a positive whole number of seconds');
    process.exit(2);
  }
  const groups =
    values.groups === undefined
      ? undefined
      : values.groups
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean);
  const token = await mintLocalToken({
    user: values.user,
    ...(groups ? { groups } : {}),
    tokenUse: values['id-token'] ? 'id' : 'access',
    expiresInSeconds: expires,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
