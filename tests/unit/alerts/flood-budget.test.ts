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

const STORE = { TIPS_TABLE: 'tips' };

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
    [400, 300, 2],
    [120, 300, 3],
    [700, 300, 2],
  ])('a %i s limiter window and a %i s flood window: %i limiter windows', (limiter, flood, expected) => {
    expect(limiterWindowsPerFloodWindow(limiter, flood)).toBe(expected);
  });

  it('agrees with counting every flood window over a whole period of both', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 900 }), fc.integer({ min: 1, max: 900 }), (limiter, flood) => {
        let most = 0;
        // The pattern repeats after lcm(limiter, flood) seconds: every flood window up to there.
        for (let start = 0; start < limiter * flood; start += flood) {
          const first = Math.floor(start / limiter);
          const last = Math.floor((start + flood - 1) / limiter);
          most = Math.max(most, last - first + 1);
          if (start > 0 && start % limiter === 0) break;
        }
        expect(limiterWindowsPerFloodWindow(limiter, flood)).toBe(most);
      }),
      { numRuns: 300 },
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

  it('counts the window edge of a limiter whose windows do not line up with the flood windows', () => {
    // 40 per 400 s: a 300 s flood window can straddle two limiter windows, 80 in all.
    const budget = {
      clientLimits: [{ name: 'rateLimitMax', limit: 40, windowSeconds: 400 }],
      floodMaxAlerts: 60,
      floodWindowSeconds: 300,
    };
    expect(clientEmailsPerFloodWindow(budget)).toBe(80);
    expect(floodBudgetProblem(budget)).toMatch(/^one client can cause 80 desk emails/);
    expect(floodBudgetProblem({ ...budget, floodMaxAlerts: 81 })).toBeUndefined();
  });
});
