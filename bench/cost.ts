import { round } from './support';

/**
 * Public on-demand prices, us-east-1, as listed on the AWS pricing pages (read 2026-11-25;
 * DynamoDB's on-demand rates are those in force since the 2024-11-01 price cut). Free tiers
 * are left out: they are per account, not per tip.
 */
export const PRICES = {
  checked: '2026-11-25 from stored copies of the pages (no live access here; re-check before budgeting)',
  region: 'us-east-1',
  /** https://aws.amazon.com/api-gateway/pricing/ — HTTP API, first 300 M requests a month. */
  httpApiPerMillion: 1.0,
  /** https://aws.amazon.com/lambda/pricing/ — Arm, first 7.5 B GB-s a month. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — standard table class. */
  dynamoPerMillionWru: 0.625,
  dynamoPerMillionRru: 0.125,
  /** https://aws.amazon.com/ses/pricing/ — outbound email. */
  sesPerThousandEmails: 0.1,
} as const;

export interface CostInputs {
  /** Write units of one new tip (table + every GSI it lands in), measured. */
  putWru: number;
  /** Write units of the notifier's `alertedAt` update: the table and every ALL-projected GSI. */
  alertedWru: number;
  /** Other small writes per submit (rate-limit counter, fingerprint, idempotency record…). */
  otherWritesPerSubmit: number;
  /** Billed ms of one POST /tips in the intake function (512 MB). */
  intakeMs: number;
  /** Billed ms of one alert in the notifier (512 MB): SES dominates; an assumption, not measured here. */
  notifierMs: number;
  memoryMb: number;
  /** Flood breaker: individual alerts per window, window length, and tips a month. */
  floodMaxAlerts: number;
  floodWindowSeconds: number;
}

export interface CostLine {
  item: string;
  basis: string;
  dollars: number;
}

const TIPS = 1_000_000;

/** What a million tips cost in AWS, line by line, and what the flood digest saves on SES. */
export function costOfAMillionTips(i: CostInputs): { lines: CostLine[]; total: number; digest: CostLine[] } {
  const gb = i.memoryMb / 1024;
  const intakeGbS = TIPS * gb * (Math.ceil(i.intakeMs) / 1000);
  const notifierGbS = TIPS * gb * (Math.ceil(i.notifierMs) / 1000);
  const wruPerTip = i.putWru + i.alertedWru + i.otherWritesPerSubmit;
  const lines: CostLine[] = [
    { item: 'API Gateway HTTP API', basis: '1 M POST /tips', dollars: PRICES.httpApiPerMillion },
    {
      item: 'Lambda requests',
      basis: '1 M intake + ≤ 1 M notifier (stream batches make it fewer)',
      dollars: 2 * PRICES.lambdaPerMillionRequests,
    },
    {
      item: 'Lambda duration (arm64)',
      basis: `intake ${Math.ceil(i.intakeMs)} ms + notifier ${i.notifierMs} ms at ${i.memoryMb} MB = ${Math.round(intakeGbS + notifierGbS).toLocaleString('en')} GB-s`,
      dollars: (intakeGbS + notifierGbS) * PRICES.lambdaArmPerGbSecond,
    },
    {
      item: 'DynamoDB writes (on demand)',
      basis: `${wruPerTip} WRU a tip: put ${i.putWru} (table + GSIs), alertedAt ${i.alertedWru}, guards ${i.otherWritesPerSubmit}`,
      dollars: (TIPS * wruPerTip * PRICES.dynamoPerMillionWru) / 1e6,
    },
    {
      item: 'DynamoDB reads',
      basis: '1 strongly consistent GetItem a tip (notifier)',
      dollars: PRICES.dynamoPerMillionRru,
    },
    {
      item: 'SES, one alert a tip',
      basis: '1 M emails',
      dollars: (TIPS / 1000) * PRICES.sesPerThousandEmails,
    },
  ].map((l) => ({ ...l, dollars: round(l.dollars, 2) }));
  const total = round(
    lines.reduce((a, l) => a + l.dollars, 0),
    2,
  );
  // A month of tips arriving evenly: each window sends its first N alerts, then one digest.
  const windows = (30 * 24 * 3600) / i.floodWindowSeconds;
  const perWindow = TIPS / windows;
  const emails = perWindow > i.floodMaxAlerts ? windows * (i.floodMaxAlerts + 1) : TIPS;
  const digest: CostLine[] = [
    {
      item: 'SES with the flood digest, tips spread evenly over 30 days',
      basis: `${Math.round(perWindow)} tips per ${i.floodWindowSeconds / 60}-min window → ${i.floodMaxAlerts} alerts + 1 digest = ${Math.round(emails).toLocaleString('en')} emails`,
      dollars: round((emails / 1000) * PRICES.sesPerThousandEmails, 2),
    },
    {
      item: 'SES with the flood digest, the million in one day',
      basis: `${Math.round((TIPS / (24 * 3600)) * i.floodWindowSeconds)} tips per window → ${((24 * 3600) / i.floodWindowSeconds) * (i.floodMaxAlerts + 1)} emails`,
      dollars: round(
        ((((24 * 3600) / i.floodWindowSeconds) * (i.floodMaxAlerts + 1)) / 1000) *
          PRICES.sesPerThousandEmails,
        2,
      ),
    },
  ];
  return { lines, total, digest };
}
