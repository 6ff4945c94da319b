import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../lib/topology.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

describe('the schedules', () => {
  const { stack, template } = synthesizeOms();

  // Stated, not read from SCHEDULES: a schedule dropped or slowed in topology must fail here.
  it('are two rules every 5 minutes, polling Amazon (which never pushes its orders) and counting overdue fulfillment orders, and one every hour releasing pre-orders, each retrying a failed delivery', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.ScheduleExpression !== undefined,
    );

    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual([
      'rate(5 minutes)',
      'rate(5 minutes)',
      'rate(1 hour)',
    ]);
    expect(rules.map((rule) => rule.Properties.Targets)).toEqual(
      (
        [
          ['pollAmazon', 300],
          ['countOverdueFulfillmentOrders', 300],
          ['releasePreorders', 3600],
        ] as const
      ).map(([key, maximumEventAgeInSeconds]) => [
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions[key]), 'Arn'] },
          // A delivery older than the rate is dropped: the next run does the same work.
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: maximumEventAgeInSeconds },
        }),
      ]),
    );
  });

  it('let EventBridge invoke the poller, the overdue count and the pre-order release, and nothing else', () => {
    const invokedByEvents = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal === 'events.amazonaws.com',
    );

    expect(invokedByEvents.map((permission) => permission.Properties)).toEqual(
      (['pollAmazon', 'countOverdueFulfillmentOrders', 'releasePreorders'] as const).map((key) =>
        expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [logicalIdOf(stack.functions[key]), 'Arn'] },
        }),
      ),
    );
  });

  it('give the poller five minutes and 512 MB: it stops 75 s before its timeout (STOP_MARGIN_MS)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS.pollAmazon.description,
      Timeout: 300,
      MemorySize: 512,
    });
  });
});
