import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is a static site under /console/: one page, its script and its style, hashed
 * names under assets/. JSX compiles to Preact's automatic runtime; no plugin is needed for that.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The bundle size is reported (docs/console.md); a source map would be most of the download.
    sourcemap: false,
    reportCompressedSize: true,
  },
  logLevel: 'warn',
});
