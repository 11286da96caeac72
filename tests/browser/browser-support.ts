import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../local/stack/chromium';
import type { LocalStack } from '../../local/stack/stack';
import { startTestStack } from '../support/test-stack';

export { CHROMIUM_PATH, launchChromium } from '../../local/stack/chromium';

export interface BrowserStack {
  stack: LocalStack;
  browser: Browser;
}

/**
 * What a browser test file starts before its tests: the local stack on this run's dynalite and
 * SES emulator (its own table, `<prefix>-<time>`) and one Chromium, side by side.
 */
export async function startBrowserStack(tablePrefix: string): Promise<BrowserStack> {
  const [stack, browser] = await Promise.all([
    startTestStack(tablePrefix, { retryDelayMs: 20 }),
    launchChromium(),
  ]);
  return { stack, browser };
}

/** Closes what startBrowserStack started; either may be missing when the start itself failed. */
export async function stopBrowserStack({ stack, browser }: Partial<BrowserStack>): Promise<void> {
  await browser?.close();
  await stack?.stop();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core in the page (WCAG 2.x A/AA rules) and returns the serious and critical
 * violations. The page's CSP forbids inline script, so axe is injected by the test runner
 * through the DevTools protocol, which CSP does not govern.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
