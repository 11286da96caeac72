import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The CloudWatch metrics (EMF) the alarms and dashboards in infra/ read. */
export const METRIC = {
  TipsReceived: 'TipsReceived',
  TipsQuarantined: 'TipsQuarantined',
  AlertsSent: 'AlertsSent',
  AlertFailures: 'AlertFailures',
  AlertsDeadLettered: 'AlertsDeadLettered',
  DigestsSent: 'DigestsSent',
  SubmitsRateLimited: 'SubmitsRateLimited',
} as const;

export const METRICS_NAMESPACE = 'Tipline';

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export interface MetricsRecorder {
  count(name: MetricName, value?: number): void;
  /** Writes what was counted as one EMF line; called once at the end of each invocation. */
  flush(): void;
}

/**
 * Powertools Metrics behind two calls. EMF lines are printed to stdout and CloudWatch turns
 * them into metrics, with no API call on the request path.
 */
export function makeMetrics(
  serviceName: string,
  metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
) {
  return {
    count(name: MetricName, value = 1) {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
    flush() {
      // Powertools warns on an empty flush; an invocation that counted nothing has nothing to say.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  } satisfies MetricsRecorder;
}
