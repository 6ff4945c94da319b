import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FUNCTIONS, SCHEDULES, type FunctionKey } from './topology.js';

export interface SchedulesProps {
  functions: Record<FunctionKey, IFunction>;
}

/**
 * One EventBridge rule per entry of SCHEDULES, invoking its function at the fixed rate. A run
 * the bus can not deliver is retried for as long as it is still the latest one; past that the
 * next run takes over, since a poller resumes from its checkpoint.
 */
export class Schedules extends Construct {
  readonly rules: Rule[];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.rules = SCHEDULES.map(
      (spec) =>
        new Rule(this, spec.id, {
          description: `Runs ${FUNCTIONS[spec.function].id} every ${spec.rateMinutes} minute(s)`,
          schedule: Schedule.rate(Duration.minutes(spec.rateMinutes)),
          targets: [
            new LambdaFunction(props.functions[spec.function], {
              retryAttempts: 3,
              maxEventAge: Duration.minutes(spec.rateMinutes),
            }),
          ],
        }),
    );
  }
}
