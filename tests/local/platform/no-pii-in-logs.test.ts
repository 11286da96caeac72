import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redrive } from '../../../local/cli/redrive';
import { freePort, type RunningServer, startSesEmulator } from '../../../local/stack/emulators';
import type { LocalStack } from '../../../local/stack/stack';
import { captureOutput } from '../../support/capture-output';
import { readMailbox, validTip } from '../../support/local-env';
import { startTestStack } from '../../support/test-stack';

const untilNextWindow = () => new Promise((r) => setTimeout(r, 4_000 - (Date.now() % 4_000) + 50));

describe('no tip text or contact details in any log line', () => {
  let stack: LocalStack;
  let ses: RunningServer;
  let sesPort: number;

  beforeAll(async () => {
    vi.stubEnv('LOG_LEVEL', 'DEBUG');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    sesPort = await freePort();
    ses = await startSesEmulator({ port: sesPort });
  });
  afterAll(async () => {
    await stack?.stop();
    await ses?.close();
  });

  it('a realistic run (submits, rejects, duplicates, alerts, a flood digest, SES down, redrive) logs ids only', async () => {
    const secrets: string[] = [];
    const personal = () => {
      const u = randomUUID().slice(0, 8);
      const tip = validTip({
        subject: `Subject ${u}`,
        message: `A source inside the ministry says ${u} the convoy leaves tonight`,
        name: `Jānis Bērziņš ${u}`,
        email: `source-${u}@example.org`,
        phone: `+372 5${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      });
      secrets.push(
        tip.subject as string,
        tip.message as string,
        tip.name as string,
        tip.email as string,
        tip.phone as string,
      );
      return tip;
    };
    // Receipt codes are the readers' credentials: no log line may carry one, in any spelling.
    const receipts: string[] = [];
    const post = async (
      body: string,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) => {
      const res = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', headers, body });
      const text = await res.text();
      const receipt = res.headers.get('content-type')?.includes('json')
        ? (JSON.parse(text) as { receipt?: string }).receipt
        : /id="receipt">([^<]+)</.exec(text)?.[1];
      if (receipt) receipts.push(receipt);
      return res;
    };

    const output = await captureOutput(async () => {
      stack = await startTestStack('pii', {
        sesUrl: ses.url,
        retryDelayMs: 20,
        env: { FLOOD_MAX_ALERTS: '2', FLOOD_WINDOW_SECONDS: '4' },
      });
      // Start at the beginning of a flood window, so the burst below trips the breaker.
      await untilNextWindow();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await post(JSON.stringify(personal()))).status);
      const repeated = JSON.stringify(personal());
      statuses.push((await post(repeated)).status, (await post(repeated)).status);
      statuses.push((await post(JSON.stringify({ ...personal(), website: 'http://bot.example' }))).status);
      const form = personal();
      statuses.push(
        (
          await post(new URLSearchParams({ ...(form as Record<string, string>), consent: 'on' }).toString(), {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/html',
          })
        ).status,
      );
      statuses.push(
        (await post(JSON.stringify({ ...personal(), email: `not-an-address ${randomUUID()}` }))).status,
      );
      expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 201, 201, 400]);
      // The reader follows up (a check, an added message, a wrong code) and staff look a code up.
      const [code = ''] = receipts;
      expect((await fetch(`${stack.apiUrl}/receipts/${code}`)).status).toBe(200);
      const added = await fetch(`${stack.apiUrl}/receipts/${code.toLowerCase()}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'One more thing about the convoy' }),
      });
      expect(added.status).toBe(201);
      expect((await fetch(`${stack.apiUrl}/receipts/ZZZZ-ZZZZ-ZZZZ`)).status).toBe(404);
      const token = await stack.issuer.mint({ user: 'alice' });
      const lookup = await fetch(`${stack.apiUrl}/tips?receipt=${encodeURIComponent(code)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await lookup.json()) as { items: unknown[] }).items).toHaveLength(1);
      await stack.feed.drained();
      await untilNextWindow();
      await stack.tick();

      await ses.close();
      for (let i = 0; i < 2; i++) expect((await post(JSON.stringify(personal()))).status).toBe(201);
      await stack.feed.drained();
      ses = await startSesEmulator({ port: sesPort });
      const summary = await redrive(stack.env);
      expect(summary.resent).toBe(2);
    });

    // The run did what it claims: alerts and a digest reached the desk, and log lines were captured.
    const mail = await readMailbox(ses.url);
    expect(mail.some((m) => m.subject.includes('Digest'))).toBe(true);
    expect(mail.some((m) => (m.body.text ?? '').includes(secrets[1] as string))).toBe(true);
    for (const line of [
      'tip stored',
      'tip replayed',
      'request refused',
      'desk alerted',
      'alert dead-lettered',
      'flood digest sent',
    ]) {
      expect(output).toContain(line);
    }
    expect(output).toContain('"TipsReceived"');
    expect(output).toContain('correlation_id');

    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(receipts.length).toBeGreaterThanOrEqual(8);
    for (const receipt of receipts) {
      expect(output).not.toContain(receipt);
      expect(output).not.toContain(receipt.replace(/-/g, ''));
      expect(output).not.toContain(receipt.toLowerCase());
    }
    expect(output).toContain('receipt checked');
    // Nor parts of them a line might carry on its own (the local part of an address, the phone digits).
    for (const secret of secrets.filter((s) => s.includes('@')))
      expect(output).not.toContain(secret.split('@')[0]);
    for (const secret of secrets.filter((s) => s.startsWith('+372'))) {
      expect(output).not.toContain(secret.replace(/\D/g, ''));
    }
  });
});
