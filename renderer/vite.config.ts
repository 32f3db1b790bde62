// Vite config of the renderer: `npm run build:renderer` writes dist/renderer/ with relative paths
// (base './', for Electron's file:// and the web mode), ES-module workers for Monaco.
// Two reports are off: the gzip sizes (the bench measures the bundle itself) and Rolldown's
// PLUGIN_TIMINGS warning ("JavaScript callbacks ran for 8.8s of this 10.3s build"): most of that
// time is vite:worker-import-meta-url bundling Monaco's 7 MB TypeScript worker, and vite:vue; it is
// expected, happens once per build, and there is nothing for a student or an instructor to do about it.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (path: string) => new URL(path, import.meta.url).pathname;

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [vue()],
  worker: { format: 'es' },
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  preview: { host: '127.0.0.1' },
});
