import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OmsStack } from '../lib/oms-stack.js';

/**
 * The CDK app. Deploy-time choices come from context (`-c key=value` or cdk.json):
 * - retainData (default true): tables and logs survive `cdk destroy`; false for a trial stack.
 * - alarmEmail: where alarms are sent.
 * - jwtIssuer, jwtAudience (comma-separated): accept tokens of your own identity provider instead
 *   of the Cognito user pool the stack creates; with the pool, jwtAudience adds client ids.
 * - consoleCallbackUrls (comma-separated): where the console's sign-in returns.
 */
const app = new App();
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
const list = (key: string) =>
  String(app.node.tryGetContext(key) ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
const issuer = app.node.tryGetContext('jwtIssuer') as string | undefined;
const consoleCallbackUrls = list('consoleCallbackUrls');

new OmsStack(app, 'Oms', {
  description: 'Serverless order-management system: multi-channel ingest, rule-based routing, inventory',
  retainData: String(app.node.tryGetContext('retainData') ?? 'true') !== 'false',
  ...(alarmEmail && { alarmEmail }),
  auth: {
    ...(issuer && { issuer }),
    audience: list('jwtAudience'),
    ...(consoleCallbackUrls.length > 0 && { consoleCallbackUrls }),
  },
});

// cdk-nag 3 is a policy-validation plugin (it replaced the v2 aspect): synth fails on a finding
// that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
