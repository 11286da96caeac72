import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { STAFF_SCOPE } from '#core/staff/staff-claims';
import { freePort } from '../../../local/stack/emulators';
import { type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { mintLocalToken } from '../../../local/stack/token-issuer';

const run = promisify(execFile);

describe('npm run token: keys made once under the data dir, tokens the running stack accepts', () => {
  let dataDir: string;
  let issuerPort: number;
  let stack: LocalStack | undefined;
  const tableName = `staff-token-${Date.now()}`;

  const start = async () =>
    startLocalStack({
      external: { dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl'), s3Url: inject('s3Url') },
      tableName,
      dataDir,
      issuerPort,
      retryDelayMs: 20,
    });
  const list = (s: LocalStack, token: string) =>
    fetch(`${s.apiUrl}/tips`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tipline-data-'));
    issuerPort = await freePort();
    stack = await start();
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the script prints a token the local gateway accepts, and keeps the private key private', async () => {
    const { stdout } = await run('npx', ['tsx', 'local/cli/token.ts', '--user', 'alice'], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    const token = stdout.trim();

    expect(token.split('.')).toHaveLength(3);
    expect((await list(stack as LocalStack, token)).status).toBe(200);
    expect(statSync(join(dataDir, 'issuer', 'signing-key.json')).mode & 0o077).toBe(0);
  });

  it("the script prints an access token shaped like Cognito's; --id-token one the staff routes refuse", async () => {
    const env = { ...process.env, DATA_DIR: dataDir };

    const access = (
      await run('npx', ['tsx', 'local/cli/token.ts', '--user', 'alice'], { env })
    ).stdout.trim();
    const id = (
      await run('npx', ['tsx', 'local/cli/token.ts', '--user', 'alice', '--id-token'], { env })
    ).stdout.trim();

    expect(decodeProtectedHeader(access)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(decodeJwt(access)).toMatchObject({
      token_use: 'access',
      client_id: (stack as LocalStack).issuer.clientId,
      scope: STAFF_SCOPE,
      username: 'alice',
      'cognito:groups': ['staff'],
    });
    expect(decodeJwt(id)).toMatchObject({ token_use: 'id', aud: (stack as LocalStack).issuer.clientId });
    const refused = await list(stack as LocalStack, id);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: 'unauthorized',
      message: 'a valid staff token is required',
    });
  });

  it('a token without the staff group is refused with 403', async () => {
    const token = await mintLocalToken({ user: 'bob', groups: [] }, dataDir);

    expect((await list(stack as LocalStack, token)).status).toBe(403);
  });

  it('a token minted before a restart still works after it (the key pair is kept)', async () => {
    const token = await mintLocalToken({ user: 'carol' }, dataDir);
    await stack?.stop();
    stack = undefined;

    stack = await start();

    expect((await list(stack, token)).status).toBe(200);
  });
});
