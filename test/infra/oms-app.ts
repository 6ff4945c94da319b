import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { OmsStack, type OmsStackProps } from '../../lib/oms-stack.js';
import { stageNames } from '../../lib/stage-config.js';

/**
 * The stack as `cdk synth` builds it, minus the bundling: with no stack selected for bundling,
 * CDK points each function at its sources instead of running esbuild (about 10 s per synth).
 * The template, which is what these tests read, is otherwise identical. Real bundles are
 * covered by `npx cdk synth` and `npm run bundle-size`.
 */
export function synthesizeOms(props: Partial<OmsStackProps> = {}) {
  const app = new App({ context: { [BUNDLING_STACKS]: [] } });
  const names = stageNames('test');
  const stack = new OmsStack(app, names.stackName, { names, retainData: true, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

export interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

/** Every IAM statement attached to a role, flattened over its policies. */
export function statementsOf(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );
}
