import { defineConfig } from 'vite';

/** The admin console: a Preact single-page app, built into console/dist and served at `/`. */
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The strict CSP allows no inline script, so no inline module-preload polyfill either.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
