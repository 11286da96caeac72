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
 * How many windows of a fixed, epoch-aligned limiter (guards/rate-limit.ts) one flood window,
 * also epoch-aligned, can overlap at most (whole seconds). Flood windows start at multiples of
 * gcd(flood, limiter) into a limiter window; the latest such start, one gcd before a limiter
 * window ends, overlaps the most. (If the limiter becomes a sliding window or a token bucket,
 * this is the function to change.)
 */
export function limiterWindowsPerFloodWindow(
  limiterWindowSeconds: number,
  floodWindowSeconds: number,
): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const latestStart = limiterWindowSeconds - gcd(limiterWindowSeconds, floodWindowSeconds);
  return Math.floor((latestStart + floodWindowSeconds - 1) / limiterWindowSeconds) + 1;
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
