import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { OmsStackProps } from '../../lib/oms-stack.js';
import { synthesizeOms } from './oms-app.js';

/**
 * cdk-nag 3 is a CDK policy-validation plugin; `validateScope` is its documented entry point for
 * tests and runs the same rules `cdk synth` runs through bin/oms.ts. A finding is reported
 * unless it is acknowledged, with a reason, on the resource or one of its parents.
 */
function findingsOf(props: Partial<OmsStackProps>) {
  const { app } = synthesizeOms(props);
  const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return report.violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity,
    resources: violation.violatingResources.map((resource) => resource.constructPath),
  }));
}

// Each case synthesizes a whole stack, which takes seconds on a busy machine.
describe('the AWS Solutions checks (cdk-nag)', { timeout: 180_000 }, () => {
  it.each<[string, Partial<OmsStackProps>]>([
    ['a production stack', { retainData: true }],
    ['a stack that sends alarms by email', { retainData: true, alarmEmail: 'ops@example.com' }],
    ['a trial stack', { retainData: false }],
    [
      'a stack that trusts another identity provider',
      {
        retainData: true,
        auth: { issuer: 'https://retailer.okta.com/oauth2/default', audience: ['api://oms'] },
      },
    ],
  ])('find no unacknowledged error or warning in %s', (_name, props) => {
    expect(findingsOf(props)).toEqual([]);
  });

  it('still report a wildcard that nobody acknowledged', () => {
    const { app, stack } = synthesizeOms();
    const role = new Role(stack, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] }));
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toContain(
      'AwsSolutions-IAM5[Resource::*]',
    );
  });
});
