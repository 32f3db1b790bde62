import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // .vue files for the renderer's component tests (tests/renderer/, happy-dom per file).
  plugins: [vue()],
  // Submissions import the lab API as 'freenos-lab' (the sandbox's compiler maps it the same way).
  resolve: { alias: { 'freenos-lab': fileURLToPath(new URL('./engine/lab.ts', import.meta.url)) } },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
