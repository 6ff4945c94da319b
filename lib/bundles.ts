import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ESBUILD_SETTINGS, REPO_ROOT } from './functions.js';
import type { FunctionSpec } from './topology.js';

/**
 * Bundles a handler exactly as the stack deploys it (ESBUILD_SETTINGS) and says what is in the
 * bundle. `npm run bundle-size` prints it; test/infra/bundles.test.ts holds every function to
 * the budget below.
 */

/** Minified code per function; above it a cold start pays for code a handler does not need. */
export const BUNDLE_LIMIT_BYTES = 300 * 1024;

/** Where bundles are written, so they can be imported and timed; inside cdk.out, never committed. */
export const BUNDLE_DIR = path.join(REPO_ROOT, 'cdk.out', 'bundle-size');

export interface BundleReport {
  id: string;
  file: string;
  codeBytes: number;
  gzippedCodeBytes: number;
  sourceMapBytes: number;
  /** Bytes of minified output that come from zod. */
  zodBytes: number;
  /**
   * The AWS SDK clients the bundle imports itself (from the Lambda runtime, as they are external);
   * Powertools Parameters imports the Secrets Manager client from its layer.
   */
  sdkClients: string[];
}

/** Bundles one entry; with `write` the code and map land in BUNDLE_DIR/<id>/ to be imported. */
export async function bundle(id: string, entry: string, write: boolean): Promise<BundleReport> {
  const file = path.join(BUNDLE_DIR, id, 'index.mjs');
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, entry)],
    outfile: file,
    write: false,
    metafile: true,
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
    external: [...ESBUILD_SETTINGS.external],
  });
  const code = result.outputFiles.find((out) => out.path.endsWith('.mjs'));
  const sourceMap = result.outputFiles.find((out) => out.path.endsWith('.map'));
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  if (!code || !sourceMap || !output) throw new Error(`esbuild produced no bundle for ${id}.`);
  if (write) {
    await mkdir(path.dirname(file), { recursive: true });
    await Promise.all(result.outputFiles.map((out) => writeFile(out.path, out.contents)));
  }
  return {
    id,
    file,
    codeBytes: code.contents.byteLength,
    gzippedCodeBytes: gzipSync(code.contents).byteLength,
    sourceMapBytes: sourceMap.contents.byteLength,
    zodBytes: Object.entries(output.inputs)
      .filter(([input]) => input.includes('node_modules/zod/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0),
    sdkClients: [
      ...new Set(
        output.imports
          .filter((imported) => imported.external && imported.path.startsWith('@aws-sdk/client-'))
          .map((imported) => imported.path.replace('@aws-sdk/', '')),
      ),
    ].sort(),
  };
}

export const bundleFunction = (spec: FunctionSpec, write = false) => bundle(spec.id, spec.entry, write);

/** The SDK clients a function may call, from what lib/topology.ts grants it. */
export function expectedSdkClients(spec: FunctionSpec): string[] {
  const clients = [
    ...(spec.tables.length > 0 ? ['client-dynamodb'] : []),
    ...(spec.publishesEvents ? ['client-eventbridge'] : []),
    ...(spec.readsChannelSecrets || spec.writesChannelSecrets || spec.readsCarrierSecrets
      ? ['client-secrets-manager']
      : []),
    ...(spec.exportsAnalytics ? ['client-firehose', 'client-secrets-manager'] : []),
    ...(spec.redrivesDeadLetters ? ['client-sqs'] : []),
  ];
  return [...new Set(clients)].sort();
}
