import { describe, expect, it } from 'vitest';
import {
  BUNDLE_LIMIT_BYTES,
  bundleFunction,
  expectedSdkClients,
  type BundleReport,
} from '../../lib/bundles.js';
import { POWERTOOLS_VERSION } from '../../lib/functions.js';
import { FUNCTIONS, type FunctionSpec } from '../../lib/topology.js';
import { synthesizeOms } from './oms-app.js';

const specs = Object.values(FUNCTIONS) as FunctionSpec[];

describe('the function bundles', () => {
  // Built once for all cases, the way the stack builds them; esbuild takes a few seconds for all.
  const reports = new Map<string, Promise<BundleReport>>(
    specs.map((spec) => [spec.id, bundleFunction(spec)]),
  );

  it.each(specs)(
    `$id is at most ${BUNDLE_LIMIT_BYTES / 1024} KB minified`,
    async (spec) => {
      const report = await reports.get(spec.id)!;

      expect(
        report.codeBytes,
        `${spec.id} bundles ${(report.codeBytes / 1024).toFixed(1)} KB`,
      ).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
      // The first case waits for every bundle, built at once: minutes on a busy two-core machine.
    },
    180_000,
  );

  it.each(specs)('$id loads only the AWS SDK clients its permissions let it call', async (spec) => {
    const report = await reports.get(spec.id)!;

    const allowed = expectedSdkClients(spec);

    expect(report.sdkClients.filter((client) => !allowed.includes(client))).toEqual([]);
  });
});

describe('the Powertools the bundles leave out', () => {
  const { template } = synthesizeOms();
  const parameterName = `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}`;

  it('is the layer of the exact Powertools version package.json pins', () => {
    expect(POWERTOOLS_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.values(template.toJSON().Parameters)).toContainEqual({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: parameterName,
    });
  });

  it('is a layer of every function', () => {
    // Ours, by their service name: CDK's own (the console's file copier) bring their own layer.
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    const parameterId = Object.entries(
      template.toJSON().Parameters as Record<string, { Default?: string }>,
    ).find(([, parameter]) => parameter.Default === parameterName)?.[0];

    expect(functions).toHaveLength(specs.length);
    for (const fn of functions) expect(fn.Properties.Layers).toEqual([{ Ref: parameterId }]);
  });
});
