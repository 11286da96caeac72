import { makeTiplineApp } from './tipline-app';

// Run by the CDK CLI (cdk.json "app"), which passes cdk.json's context and synthesizes on exit.
makeTiplineApp();
