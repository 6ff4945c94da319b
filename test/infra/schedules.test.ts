import { describe, expect, it } from 'vitest';
import { FUNCTIONS, SCHEDULES } from '../../lib/topology.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

describe('the schedules', () => {
  const { stack, template } = synthesizeOms();

  it('include polling Amazon, which never pushes its orders', () => {
    expect(SCHEDULES.map((schedule) => schedule.function)).toContain('pollAmazon');
  });

  it.each(SCHEDULES)('run $function every $rateMinutes minute(s), retrying a failed delivery', (schedule) => {
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: {
        ScheduleExpression: `rate(${schedule.rateMinutes} minute${schedule.rateMinutes === 1 ? '' : 's'})`,
      },
    });
    const targets = Object.values(rules).flatMap((rule) => rule.Properties.Targets);

    expect(targets).toContainEqual(
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions[schedule.function]), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: schedule.rateMinutes * 60 },
      }),
    );
  });

  it.each(SCHEDULES)('let EventBridge invoke $function and nothing else', (schedule) => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(stack.functions[schedule.function]), 'Arn'] },
    });
  });

  it('give the poller the time and access its topology entry asks for', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTIONS.pollAmazon.description,
      Timeout: FUNCTIONS.pollAmazon.timeoutSeconds,
      MemorySize: FUNCTIONS.pollAmazon.memoryMb,
    });
  });
});
