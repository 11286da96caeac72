import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { intakeConfigSchema } from '#core/config/intake-config';
import { ConfigError, loadConfig } from '#core/config/load-config';
import { PROJECT_DOTENV, type StartConfig, startConfigFromEnv } from '../../../local/stack/env-config';
import { LOCAL_CLIENT_HASH_SECRET, type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { eventually, readMailbox, type StoredEmail, validTip } from '../../support/local-env';

/**
 * npm start's configuration (local/stack/env-config.ts, which start.ts calls) from a given
 * environment and .env, run on the real local stack: the shared emulators stand in for the
 * ones npm start would start itself.
 */
const scratch = mkdtempSync(join(tmpdir(), 'tipline-start-config-'));
const NO_DOTENV = join(scratch, 'absent.env');
const running: LocalStack[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a newsroom would run with: its own tables, free ports and a data dir of its own. */
function environment(vars: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    DATA_DIR: mkdtempSync(join(scratch, 'data-')),
    TIPS_TABLE: `start-config-${randomUUID().slice(0, 8)}`,
    ...vars,
  };
}

async function startFrom(config: StartConfig): Promise<LocalStack> {
  const stack = await startLocalStack({
    ...config.options,
    external: { dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl'), s3Url: inject('s3Url') },
    retryDelayMs: 20,
  });
  running.push(stack);
  return stack;
}

const post = (stack: LocalStack, tip: Record<string, unknown>) =>
  fetch(`${stack.apiUrl}/tips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tip),
  });

const mailTo = (address: string) =>
  eventually(async () => {
    const found = (await readMailbox()).filter((e) => e.destination.to.includes(address));
    return found.length > 0 ? found : undefined;
  });

describe("npm start's configuration, from the environment and .env, on the real local stack", () => {
  it('DESK_PGP_KEYS in the environment: the desk alert in the SES emulator is PGP/MIME, without the tip text', async () => {
    const desk = `pgp-desk-${randomUUID().slice(0, 8)}@newsroom.example`;
    const keys = await openpgp.generateKey({ userIDs: [{ email: desk }], format: 'armored' });
    const config = startConfigFromEnv(
      environment({ DESK_ADDRESS: desk, DESK_PGP_KEYS: JSON.stringify({ [desk]: keys.publicKey }) }),
      NO_DOTENV,
    );
    expect(config.fromEnvironment).toEqual(expect.arrayContaining(['DESK_ADDRESS', 'DESK_PGP_KEYS']));
    const stack = await startFrom(config);

    const tip = validTip({ subject: 'Sealed depot', name: 'Marta Kask' });
    const res = await post(stack, tip);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const [email, ...more] = await mailTo(desk);
    expect(more).toEqual([]);
    const alert = email as StoredEmail & { attachments: { contentType: string; content: string }[] };
    expect(alert.subject).toBe('[Tipline] New tip · encrypted');
    for (const secret of [tip.message as string, 'Sealed depot', 'Marta Kask']) {
      expect(JSON.stringify(alert)).not.toContain(secret);
    }
    expect(alert.attachments.map((a) => a.contentType)).toEqual(
      expect.arrayContaining(['application/pgp-encrypted', 'application/octet-stream']),
    );
    // It is this tip's alert: the desk's private key opens it.
    const armored = alert.attachments.find((a) => a.contentType === 'application/octet-stream');
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({
        armoredMessage: Buffer.from(armored?.content ?? '', 'base64').toString('utf8'),
      }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: keys.privateKey }),
    });
    const parts = String(data)
      .split(/\r?\n\r?\n/)
      .map((block) =>
        Buffer.from(block.split(/\r?\n--/)[0]?.replace(/\s+/g, '') ?? '', 'base64').toString('utf8'),
      )
      .join('\n');
    expect(parts).toContain(tip.message as string);
    expect(parts).toContain(id);
  });

  it('RATE_LIMIT_MAX=2 in the environment overrides the production default: the 3rd submit is 429 with Retry-After', async () => {
    const config = startConfigFromEnv(environment({ RATE_LIMIT_MAX: '2' }), NO_DOTENV);
    expect(config.options.realisticLimits).toBe(true);
    const stack = await startFrom(config);

    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 3; i += 1) {
      const res = await post(stack, validTip());
      statuses.push(res.status);
      limited = res;
    }
    expect(statuses).toEqual([201, 201, 429]);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('reads .env, and the real environment wins over it', async () => {
    const desk = `dotenv-desk-${randomUUID().slice(0, 8)}@newsroom.example`;
    const dotEnv = join(scratch, `${randomUUID()}.env`);
    writeFileSync(
      dotEnv,
      [
        '# a newsroom trying it out',
        `DESK_ADDRESS=${desk}`,
        'RATE_LIMIT_MAX=1',
        'RATE_LIMT_MAX=5',
        'CURSOR_SECRET="dotenv-cursor-secret-0123456789abcdefghij"',
      ].join('\n'),
    );
    const config = startConfigFromEnv(environment({ RATE_LIMIT_MAX: '2' }), dotEnv);
    expect(config.fromDotEnv).toEqual(['DESK_ADDRESS', 'CURSOR_SECRET']);
    expect(config.fromEnvironment).toContain('RATE_LIMIT_MAX');
    expect(config.unknownInDotEnv).toEqual(['RATE_LIMT_MAX']);
    const stack = await startFrom(config);
    expect(stack.env.CURSOR_SECRET).toBe('dotenv-cursor-secret-0123456789abcdefghij');

    const first = await post(stack, validTip());
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    // .env's RATE_LIMIT_MAX=1 would refuse this one; the environment's 2 lets it in.
    expect((await post(stack, validTip())).status).toBe(201);
    const alerts = await mailTo(desk);
    expect(alerts.some((e) => (e.body.text ?? '').includes(id))).toBe(true);
  });

  it("uses the stack's own values only for what is unset, and never a given DYNAMODB_ENDPOINT, SES_ENDPOINT or S3_ENDPOINT", async () => {
    const bare = startConfigFromEnv({}, NO_DOTENV);
    expect(bare.options).toMatchObject({
      port: 3000,
      dynamoPort: 8000,
      sesPort: 8005,
      issuerPort: 8010,
      s3Port: 8020,
    });
    expect(bare.options.dataDir).toBe('.data');
    expect(bare.options.env).toEqual({});
    expect(bare.fromEnvironment).toEqual([]);

    const config = startConfigFromEnv(
      environment({
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
        SES_ENDPOINT: 'http://127.0.0.1:1',
        S3_ENDPOINT: 'http://127.0.0.1:1',
        ALERT_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/somewhere',
        STAFF_SIGN_IN_URL: 'https://auth.paper.example/oauth2/authorize?client_id=abc',
        STAFF_TOKEN_URL: 'https://auth.paper.example/oauth2/token',
      }),
      NO_DOTENV,
    );
    expect(config.ignored).toEqual(['DYNAMODB_ENDPOINT', 'SES_ENDPOINT', 'S3_ENDPOINT', 'ALERT_DLQ_URL']);
    const stack = await startFrom(config);
    expect(stack.env.DYNAMODB_ENDPOINT).toBe(inject('dynamoUrl'));
    expect(stack.env.S3_ENDPOINT).toBe(inject('s3Url'));
    expect(stack.env.SES_ENDPOINT).toBe(inject('sesUrl'));
    expect(stack.env).not.toHaveProperty('ALERT_DLQ_URL');
    expect(stack.env.GUARD_TABLE).toBe(`${stack.env.TIPS_TABLE}-guard`);
    expect(stack.env.CLIENT_HASH_SECRET).toBe(LOCAL_CLIENT_HASH_SECRET);
    expect(stack.deadLetterFile).toBe(join(resolve(config.options.dataDir), 'alerts-dlq.jsonl'));
    // No limit in the environment: the production default, as npm start has always run.
    expect(loadConfig(intakeConfigSchema, stack.env).RATE_LIMIT_MAX).toBe(30);
    expect((await post(stack, validTip())).status).toBe(201);
    // The intake's staff page signs in as it would in AWS.
    const page = await (await fetch(`${stack.apiUrl}/staff`)).text();
    expect(page).toContain(
      'id="hosted-sign-in" href="https://auth.paper.example/oauth2/authorize?client_id=abc" data-token-url="https://auth.paper.example/oauth2/token"',
    );
  });

  it('a bad value is a ConfigError naming the variable, before anything starts', async () => {
    expect(() => startConfigFromEnv({ PORT: '70000' }, NO_DOTENV)).toThrow(ConfigError);
    expect(() => startConfigFromEnv({ PORT: '70000' }, NO_DOTENV)).toThrow(/PORT/);
    const config = startConfigFromEnv(environment({ RATE_LIMIT_MAX: 'abc' }), NO_DOTENV);
    await expect(startFrom(config)).rejects.toThrow(ConfigError);
    await expect(startFrom(config)).rejects.toThrow(/RATE_LIMIT_MAX/);
    await expect(
      startFrom(startConfigFromEnv(environment({ STAFF_SIGN_IN_URL: 'javascript:alert(1)' }), NO_DOTENV)),
    ).rejects.toThrow(/STAFF_SIGN_IN_URL/);
  });

  it("npm start reads the project root's .env", () => {
    expect(PROJECT_DOTENV).toBe(fileURLToPath(new URL('../../../.env', import.meta.url)));
  });
});
