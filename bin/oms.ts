import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OmsStack, stackPropsFor } from '../lib/oms-stack.js';
import { stageConfigFrom } from '../lib/stage-config.js';

/**
 * The CDK app: one stack per stage, `npx cdk deploy -c stage=prod` (default `dev`). A stage's
 * settings are `stages.<stage>` in cdk.json, validated by lib/stage-config.ts; any of them can be
 * given for one run with `-c key=value` (docs/deploy.md lists them).
 */
const app = new App();
const config = stageConfigFrom((key) => app.node.tryGetContext(key));
new OmsStack(app, config.names.stackName, stackPropsFor(config));

// cdk-nag 3 is a policy-validation plugin (it replaced the v2 aspect): synth fails on a finding
// that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
