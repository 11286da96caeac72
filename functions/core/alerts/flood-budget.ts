/**
 * One client must not be able to trip the flood breaker on its own: if it could, a single
 * script would turn every desk's alerts into a digest at will. What one client can make the
 * desks receive in a flood window is bounded by its own limits: intake's submits
 * (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_SECONDS), each an alert, and receipt requests
 * (RECEIPT_RATE), each at most one reader-message notice. The breaker's limit must be above
 * their sum.
 */

export interface ClientLimit {
  /** What the limit is called where it is set: named in the refusal. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface FloodBudget {
  /** The per-client limits whose admitted requests each cost the desks one email at most. */
  clientLimits: ClientLimit[];
  floodMaxAlerts: number;
  floodWindowSeconds: number;
}

/**
 * How many times its limit one client can pass a sliding-log limiter (guards/rate-limit.ts: at
 * most `limit` in ANY span of the limiter's window) within one flood window: the flood window
 * is covered by ceil(flood / limiter) such spans, and a client that spends its whole limit at
 * the start of each span reaches that.
 */
export function limiterWindowsPerFloodWindow(
  limiterWindowSeconds: number,
  floodWindowSeconds: number,
): number {
  return Math.ceil(floodWindowSeconds / limiterWindowSeconds);
}

/** The most emails one client can cause in one flood window. */
export function clientEmailsPerFloodWindow({ clientLimits, floodWindowSeconds }: FloodBudget): number {
  return clientLimits.reduce(
    (sum, l) => sum + l.limit * limiterWindowsPerFloodWindow(l.windowSeconds, floodWindowSeconds),
    0,
  );
}

/**
 * Undefined when no single client can reach the breaker's limit; otherwise why not, for a
 * refusal at synth (infra/stack-config.ts) rather than a breaker any one client can trip.
 */
export function floodBudgetProblem(budget: FloodBudget): string | undefined {
  const worst = clientEmailsPerFloodWindow(budget);
  if (worst < budget.floodMaxAlerts) return undefined;
  const parts = budget.clientLimits
    .map(
      (l) =>
        `${l.name} ${l.limit} per ${l.windowSeconds} s (${l.limit * limiterWindowsPerFloodWindow(l.windowSeconds, budget.floodWindowSeconds)} in a flood window)`,
    )
    .join(' + ');
  return `one client can cause ${worst} desk emails in one flood window (${parts}), which reaches FLOOD_MAX_ALERTS ${budget.floodMaxAlerts} per ${budget.floodWindowSeconds} s: raise FLOOD_MAX_ALERTS above ${worst} or lower the client limits`;
}
