import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
      external: { dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl') },
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
