// Builds the UI into dist/web; the service serves it at `/` under a strict CSP, so the output must
// contain no inline scripts or styles (Vite emits external, hashed files only).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // The polyfill is for browsers without <link rel=modulepreload>; every supported one has it.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    // `npm run dev` of the service on 8080; `npx vite --config web/vite.config.ts` proxies to it.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
