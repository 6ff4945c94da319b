import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The page names the screens' code (the entry's dynamic import of start.tsx and what it imports)
 * as `modulepreload`, so it downloads beside the small entry instead of after it has run: on a
 * slow phone connection the queue's API read (sent by the entry) and the code overlap.
 * Screens loaded on first use (screens/lazy.ts) are not named: a store never downloads them.
 */
const BASE = '/console/';

function preloadScreens(): Plugin {
  return {
    name: 'oms-preload-screens',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk }) {
        if (!bundle || !chunk) return;
        const files = new Set<string>();
        const add = (file: string) => {
          const found = bundle[file];
          if (files.has(file) || file === chunk.fileName || found?.type !== 'chunk') return;
          files.add(file);
          found.imports.forEach(add);
        };
        chunk.dynamicImports.forEach(add);
        return [...files].map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: '', href: `${BASE}${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

/**
 * The console is a static site under /console/: one page, its script and its style, hashed
 * names under assets/. JSX compiles to Preact's automatic runtime; no plugin is needed for that.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: BASE,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [preloadScreens()],
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
