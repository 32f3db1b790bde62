// Vite config of the renderer: `npm run build:renderer` writes dist/renderer/ with relative paths
// (base './', for Electron's file:// and the web mode), ES-module workers for Monaco.
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
  },
  preview: { host: '127.0.0.1' },
});
