import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The AWS SDK warns about Node 20 on stderr; the CLI itself silences it the same way (src/index.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/support/moto-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // After the integration tests: checks the IAM policies in docs/ against the calls they saw the CLI make.
          name: 'policies',
          include: ['test/policies/**/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
