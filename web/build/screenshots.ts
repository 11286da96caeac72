/**
 * `npm run screenshots`: starts a throwaway local stack on free ports, fills it with a few
 * tips, and saves the pages as a reader and an editor see them into docs/*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../local/stack/chromium';
import { startLocalStack } from '../../local/stack/stack';

const OUT = join(process.cwd(), 'docs');

const stack = await startLocalStack({ tableName: 'tipline-screenshots' });
const browser = await launchChromium();

async function submit(tip: Record<string, unknown>) {
  const res = await fetch(`${stack.apiUrl}/tips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ consent: true, ...tip }),
  });
  if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; receipt: string };
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(OUT, name), fullPage: true });
  console.log(`docs/${name}`);
}

try {
  mkdirSync(OUT, { recursive: true });
  await submit({
    kind: 'tip',
    topic: 'europe',
    subject: 'Ferries to Helsinki stopped',
    message: 'All ferries between Tallinn and Helsinki stopped this morning; the port says a strike.',
    email: 'reader@example.org',
  });
  await submit({
    kind: 'question',
    topic: 'russia-ukraine-war',
    subject: 'Grain corridor',
    message: 'How many grain ships left Odesa this week, and where did they go?',
  });

  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const form = await desktop.newPage();
  await form.goto(`${stack.apiUrl}/`);
  await form.getByLabel('Topic').selectOption('middle-east');
  await form.getByLabel('Subject').fill('Crossing to close on Friday');
  await form
    .getByLabel('What do you know?')
    .fill('A border official told me the Allenby crossing will close on Friday for a week.');
  await shot(form, 'reader-form.png');

  await form.getByLabel('Email').fill('not-an-address');
  await form.getByRole('button', { name: 'Send' }).click();
  await form.locator('#email-error').waitFor();
  await shot(form, 'reader-form-errors.png');

  await form.getByLabel('Email').fill('');
  await form.getByLabel(/I want to stay anonymous/).check();
  await form.getByLabel(/I have read the privacy notice/).check();
  await form.getByRole('button', { name: 'Send' }).click();
  await form.locator('#receipt').waitFor();
  await shot(form, 'receipt.png');

  const phone = await browser.newContext({
    viewport: { width: 360, height: 780 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const small = await phone.newPage();
  await small.goto(`${stack.apiUrl}/`);
  await small.getByLabel('A question').check();
  await small
    .getByLabel('What would you like us to find out?')
    .fill('Is it true that the ferries are running again?');
  await shot(small, 'reader-form-360.png');

  // The editor visits once, two tips arrive, and the next visit shows them as new.
  const staff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const first = await staff.newPage();
  const token = await stack.issuer.mint({ user: 'alice' });
  await first.goto(`${stack.apiUrl}/staff`);
  await first.getByLabel('Paste a staff token').fill(token);
  await first.getByRole('button', { name: 'Sign in' }).click();
  await first.locator('#tips > li').first().waitFor();
  const kano = await submit({
    kind: 'tip',
    topic: 'africa',
    subject: 'Fuel queues in Kano',
    message: 'Queues at every station in Kano since Monday; prices doubled overnight.',
    name: 'Amina',
    phone: '+234 803 000 0000',
  });
  await submit({
    kind: 'tip',
    topic: 'asia-pacific',
    subject: 'Pasted <img src=x onerror=alert(1)>',
    message: 'Reader text is shown as text: <img src=x onerror=alert(1)> <b>not bold</b>',
  });

  const inbox = await staff.newPage();
  await inbox.goto(`${stack.apiUrl}/staff`);
  await inbox.getByLabel('Paste a staff token').fill(token);
  await inbox.getByRole('button', { name: 'Sign in' }).click();
  await inbox.locator('#new-badge:not([hidden])').waitFor();
  await shot(inbox, 'inbox.png');

  await inbox.getByRole('link', { name: 'Fuel queues in Kano' }).click();
  await inbox.locator('#triage').getByLabel('Status').selectOption('in-review');
  await inbox.getByLabel('Assignee').fill('alice');
  await inbox.getByLabel('Tags (comma-separated)').fill('energy, nigeria');
  await inbox.getByLabel('Note for the history').fill('Calling two station owners in Kano this afternoon.');
  await inbox.getByLabel(/Reply to the reader/).fill('Thank you, Amina. Which stations did you see?');
  await inbox.getByRole('button', { name: 'Save' }).click();
  await inbox.locator('#saved:has-text("Saved")').waitFor();
  await shot(inbox, 'tip-page.png');

  // The reader checks on it later with the receipt code.
  const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const followUp = await reader.newPage();
  await followUp.goto(`${stack.apiUrl}/follow-up`);
  await followUp.getByLabel('Receipt code').fill(kano.receipt);
  await followUp.getByRole('button', { name: 'Check' }).click();
  await followUp.locator('#result:not([hidden])').waitFor();
  await shot(followUp, 'follow-up.png');
} finally {
  await browser.close();
  await stack.stop();
}
