import type { Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface OmsEventBusProps {
  /** How long published events stay replayable, e.g. to rebuild a subscriber after an incident. */
  archiveRetention: Duration;
}

/** The bus every OMS event is published on, and the archive that makes them replayable. */
export class OmsEventBus extends Construct {
  /** Events published by the OMS carry this source. */
  static readonly SOURCE = 'oms';

  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: OmsEventBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      description: 'Order-management events for the retailer’s systems',
    });
    this.bus.archive('Archive', {
      description: 'Every OMS event, for replays',
      eventPattern: { source: [OmsEventBus.SOURCE] },
      retention: props.archiveRetention,
    });
  }
}
