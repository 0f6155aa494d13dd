import { defineConfig } from 'vitest/config';

// Three projects, by what a test needs:
//   unit         pure logic, beside the file it tests (agents/**, installer/**, bench/**)
//   integration  real etcd, real Docker, real iptables in network namespaces (test/integration)
//   e2e          a whole 1+3 cluster on the docker provider (test/e2e)
// Integration and e2e files run one at a time: they share etcd ports, Docker and the nat table.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['agents/**/*.test.ts', 'installer/**/*.test.ts', 'bench/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One cluster for every e2e file: up before the first, down after the last.
          globalSetup: ['test/e2e/global-setup.ts'],
          env: { NODEKUBE_PROFILE: 'fast' },
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
