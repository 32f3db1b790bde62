import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // .vue files for the renderer's component tests (tests/renderer/, happy-dom per file).
  plugins: [vue()],
  // Submissions import the lab API as 'freenos-lab' (the sandbox's compiler maps it the same way).
  resolve: { alias: { 'freenos-lab': fileURLToPath(new URL('./engine/lab.ts', import.meta.url)) } },
  test: {
    testTimeout: 30_000,
    projects: [
      // Everything but the end-to-end tests, files in parallel as before.
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/e2e/**'] } },
      // The end-to-end tests (Chromium against the web mode): one file at a time, after the others
      // (a project without file parallelism runs last, on one worker), with generous timeouts;
      // globalSetup builds the renderer when it is stale, or says in one line why they skip.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          globalSetup: ['tests/e2e/globalSetup.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
