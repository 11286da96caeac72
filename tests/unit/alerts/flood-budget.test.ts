import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clientEmailsPerFloodWindow,
  floodBudgetProblem,
  limiterWindowsPerFloodWindow,
} from '#core/alerts/flood-budget';
import { intakeConfigSchema } from '#core/config/intake-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { RECEIPT_RATE } from '#core/receipts/receipt-guard';

const STORE = { TIPS_TABLE: 'tips', RECEIPT_HASH_SECRET: 'x'.repeat(32) };

describe('the flood budget: one client cannot trip the breaker alone', () => {
  it('holds for the functions as they start with no settings (their schema defaults)', () => {
    const intake = intakeConfigSchema.parse(STORE);
    const notifier = notifierConfigSchema.parse({
      ...STORE,
      DESK_ADDRESS: 'desk@newsroom.example',
      SENDER_ADDRESS: 'tipline@newsroom.example',
    });
    const receipts = receiptsConfigSchema.parse({
      ...STORE,
      GUARD_TABLE: 'guard',
      CLIENT_HASH_SECRET: 'x'.repeat(32),
    });
    // Receipts reads the very same breaker settings as the notifier.
    expect([receipts.FLOOD_MAX_ALERTS, receipts.FLOOD_WINDOW_SECONDS]).toEqual([
      notifier.FLOOD_MAX_ALERTS,
      notifier.FLOOD_WINDOW_SECONDS,
    ]);
    const budget = {
      clientLimits: [
        { name: 'submits', limit: intake.RATE_LIMIT_MAX, windowSeconds: intake.RATE_LIMIT_WINDOW_SECONDS },
        { name: 'receipt requests', ...RECEIPT_RATE },
      ],
      floodMaxAlerts: notifier.FLOOD_MAX_ALERTS,
      floodWindowSeconds: notifier.FLOOD_WINDOW_SECONDS,
    };
    // 30 submits and 20 receipt requests per 10 minutes fit in one 5-minute window at most.
    expect(clientEmailsPerFloodWindow(budget)).toBe(50);
    expect(notifier.FLOOD_MAX_ALERTS).toBeGreaterThan(50);
    expect(floodBudgetProblem(budget)).toBeUndefined();
  });

  it.each([
    // limiter window, flood window, the most limiter windows one flood window overlaps
    [600, 300, 1],
    [300, 300, 1],
    [60, 300, 5],
    [400, 300, 1],
    [120, 300, 3],
    [700, 300, 1],
    [100, 300, 3],
  ])('a %i s limiter window and a %i s flood window: %i limiter windows', (limiter, flood, expected) => {
    expect(limiterWindowsPerFloodWindow(limiter, flood)).toBe(expected);
  });

  it('agrees with a client that spends its limit as soon as the sliding log lets it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 5 }),
        (limiter, flood, limit) => {
          // Each second the client asks as often as the log admits: at most `limit` in any
          // span of `limiter` seconds (the log keeps what was admitted in the last span).
          const admitted: number[] = [];
          const horizon = 3 * (limiter + flood);
          for (let t = 0; t < horizon; t++) {
            while (admitted.filter((a) => a > t - limiter).length < limit) admitted.push(t);
          }
          let most = 0;
          for (let start = 0; start + flood <= horizon; start++) {
            most = Math.max(most, admitted.filter((a) => a >= start && a < start + flood).length);
          }
          expect(most).toBe(limit * limiterWindowsPerFloodWindow(limiter, flood));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a client limit that reaches the breaker, naming both and what to change', () => {
    const problem = floodBudgetProblem({
      clientLimits: [
        { name: 'rateLimitMax', limit: 30, windowSeconds: 600 },
        { name: 'receipt requests', limit: 20, windowSeconds: 600 },
      ],
      floodMaxAlerts: 20,
      floodWindowSeconds: 300,
    });
    expect(problem).toBe(
      'one client can cause 50 desk emails in one flood window (rateLimitMax 30 per 600 s (30 in a flood window) + receipt requests 20 per 600 s (20 in a flood window)), which reaches FLOOD_MAX_ALERTS 20 per 300 s: raise FLOOD_MAX_ALERTS above 50 or lower the client limits',
    );
  });

  it('counts every span of a limiter window shorter than the flood window', () => {
    // 40 per 200 s: a 300 s flood window holds two whole spans' worth, 80 in all.
    const budget = {
      clientLimits: [{ name: 'rateLimitMax', limit: 40, windowSeconds: 200 }],
      floodMaxAlerts: 60,
      floodWindowSeconds: 300,
    };
    expect(clientEmailsPerFloodWindow(budget)).toBe(80);
    expect(floodBudgetProblem(budget)).toMatch(/^one client can cause 80 desk emails/);
    expect(floodBudgetProblem({ ...budget, floodMaxAlerts: 81 })).toBeUndefined();
    // A sliding limiter has no window edge: 40 per 400 s is 40 in any 300 s.
    expect(
      clientEmailsPerFloodWindow({ ...budget, clientLimits: [{ name: 'x', limit: 40, windowSeconds: 400 }] }),
    ).toBe(40);
  });
});
