import { defineConfig } from 'vitest/config';

// One dynalite and one SES emulator for a run of the projects that talk to servers; each test
// file makes its own tables. Unit and infra tests need none.
const servers = { globalSetup: ['tests/support/global-setup.ts'] };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { CDK_VALIDATION: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['tests/infra/**/*.test.ts'] } },
      { extends: true, test: { name: 'local', include: ['tests/local/**/*.test.ts'], ...servers } },
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], ...servers } },
    ],
  },
});
