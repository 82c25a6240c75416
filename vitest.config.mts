import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = { '@': fileURLToPath(new URL('./', import.meta.url)) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        // edge/ under the edge runtime (the default deployment target)…
        resolve: { alias },
        test: {
          name: 'unit-edge',
          environment: 'edge-runtime',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: ['./tests/helpers/setup-edge.ts'],
        },
      },
      {
        // …and the same tests under Node, where proxy.ts runs it.
        resolve: { alias },
        test: { name: 'unit-node', environment: 'node', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        // `npm run bench` only: micro-benchmarks of the hot path in plain Node.
        resolve: { alias },
        test: { name: 'micro', environment: 'node', include: [], benchmark: { include: ['scripts/bench/**/*.bench.ts'] } },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          globalSetup: ['./tests/helpers/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
