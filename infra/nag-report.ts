import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NagFinding {
  rule: string;
  severity: string;
  paths: string[];
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs?: { constructPath?: string }[] }[];
  }[];
}

/**
 * The AwsSolutions findings nobody acknowledged, warnings included, read from the validation
 * report CDK writes into the cloud assembly. CDK fails the synth on errors by itself; this
 * makes an unexplained warning fail it too.
 */
export function unexplainedNagFindings(assemblyDir: string): NagFinding[] {
  const file = join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports
    .filter((p) => p.pluginName === 'AwsSolutions')
    .flatMap((p) => p.violations)
    .map((v) => ({
      rule: v.ruleName,
      severity: v.severity,
      paths: (v.violatingConstructs ?? []).map((c) => c.constructPath ?? '?'),
    }));
}
