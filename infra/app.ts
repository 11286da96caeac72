import { unexplainedNagFindings } from './nag-report';
import { makeTiplineApp } from './tipline-app';

// Run by the CDK CLI (cdk.json "app"), which passes cdk.json's context.
const { app } = makeTiplineApp();
const assembly = app.synth();

const findings = unexplainedNagFindings(assembly.directory);
if (findings.length > 0) {
  for (const f of findings) console.error(`cdk-nag ${f.severity} ${f.rule} at ${f.paths.join(', ')}`);
  console.error('Fix each finding, or acknowledge it with its reason in infra/nag-acknowledgements.ts.');
  process.exitCode = 1;
}
