import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion } from 'esbuild';
import { format, resolveConfig } from 'prettier';
import { ESBUILD_SETTINGS, REPO_ROOT } from '../lib/functions.js';
import { FUNCTIONS, type FunctionSpec } from '../lib/topology.js';

/**
 * Bundles every function the way the stack does (ESBUILD_SETTINGS) and records the sizes in
 * docs/performance.md: the code a cold start has to load and parse is the number that matters.
 */
const PERFORMANCE_DOC = path.join(REPO_ROOT, 'docs', 'performance.md');
const HEADING = '## Function bundle sizes';

interface BundleSize {
  id: string;
  codeBytes: number;
  gzippedCodeBytes: number;
  sourceMapBytes: number;
}

async function measure(spec: FunctionSpec): Promise<BundleSize> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, spec.entry)],
    // Names the output only (nothing is written); the source map's paths are relative to it.
    outfile: path.join(REPO_ROOT, 'cdk.out', 'bundle-size', spec.id, 'index.mjs'),
    write: false,
    bundle: true,
    platform: 'node',
    logLevel: 'warning',
    target: ESBUILD_SETTINGS.target,
    format: ESBUILD_SETTINGS.format,
    minify: ESBUILD_SETTINGS.minify,
    sourcemap: ESBUILD_SETTINGS.sourcemap,
    sourcesContent: ESBUILD_SETTINGS.sourcesContent,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    banner: { js: ESBUILD_SETTINGS.banner },
    external: ESBUILD_SETTINGS.external,
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('.map'));
  if (!code || !sourceMap) throw new Error(`esbuild produced no bundle for ${spec.id}.`);
  return {
    id: spec.id,
    codeBytes: code.contents.byteLength,
    gzippedCodeBytes: gzipSync(code.contents).byteLength,
    sourceMapBytes: sourceMap.contents.byteLength,
  };
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function section(sizes: BundleSize[]): string {
  const rows = sizes.map(
    (size) =>
      `| ${size.id} | ${kilobytes(size.codeBytes)} | ${kilobytes(size.gzippedCodeBytes)} | ${kilobytes(size.sourceMapBytes)} |`,
  );
  return [
    HEADING,
    '',
    `Written by \`npm run bundle-size\` (esbuild ${esbuildVersion}, the settings of \`ESBUILD_SETTINGS\` in`,
    '`lib/functions.ts`: ESM, minified, target node22, AWS SDK v3 bundled, source map without sources).',
    'The minified code is what a cold start loads and parses; gzipped is close to what the deployment',
    'package weighs. With `NODE_OPTIONS=--enable-source-maps` Node also reads the source map when the',
    'module loads, so its size counts toward the cold start as well.',
    '',
    '| Function | Minified code | Gzipped code | Source map |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}

/** Replaces this script's section and keeps everything else in the document as it was. */
function withSection(document: string, replacement: string): string {
  const start = document.indexOf(HEADING);
  if (start === -1) return `${document.trimEnd()}\n\n${replacement}`;
  const next = document.indexOf('\n## ', start + HEADING.length);
  const rest = next === -1 ? '' : `\n${document.slice(next + 1)}`;
  return `${document.slice(0, start)}${replacement}${rest}`;
}

const sizes: BundleSize[] = [];
for (const spec of Object.values(FUNCTIONS) as FunctionSpec[]) sizes.push(await measure(spec));
console.table(
  sizes.map((size) => ({
    function: size.id,
    minified: kilobytes(size.codeBytes),
    gzipped: kilobytes(size.gzippedCodeBytes),
    sourceMap: kilobytes(size.sourceMapBytes),
  })),
);
const document = existsSync(PERFORMANCE_DOC) ? await readFile(PERFORMANCE_DOC, 'utf8') : '# Performance\n';
// Formatted like the rest of the repository, so `prettier --check` passes after every run.
const prettierOptions = { ...(await resolveConfig(PERFORMANCE_DOC)), filepath: PERFORMANCE_DOC };
await writeFile(PERFORMANCE_DOC, await format(withSection(document, section(sizes)), prettierOptions));
console.log(`Updated ${path.relative(REPO_ROOT, PERFORMANCE_DOC)}.`);
