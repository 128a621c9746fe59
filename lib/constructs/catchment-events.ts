// The event bus other apps subscribe to: one event per publish or rollback, saying which
// postcodes changed hub (schema in docs/events.md). Events are archived so an app that missed
// some can ask for a replay; optional rules forward every event to other accounts' buses.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';

export interface CatchmentEventsProps {
  readonly busName: string;
  /** The `source` every boundary-set event carries (the archive and forwarding rules match it). */
  readonly source: string;
  /** Event bus ARNs (usually other accounts') that receive every event. */
  readonly forwardTo: readonly string[];
  /** @default 365 days */
  readonly archiveRetention?: Duration;
}

export class CatchmentEvents extends Construct {
  readonly bus: events.EventBus;
  readonly forwardingRule: events.Rule | undefined;

  constructor(scope: Construct, id: string, props: CatchmentEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'family-hub-catchments boundary-set events (publish, rollback)',
    });
    this.bus.archive('Archive', {
      description: 'Every boundary-set event, for replay to apps that missed some',
      eventPattern: { source: [props.source] },
      retention: props.archiveRetention ?? Duration.days(365),
    });
    if (props.forwardTo.length > 0) {
      this.forwardingRule = new events.Rule(this, 'Forward', {
        eventBus: this.bus,
        description: 'Forwards boundary-set events to subscribed apps in other accounts',
        eventPattern: { source: [props.source] },
        targets: props.forwardTo.map(
          (arn, i) => new targets.EventBus(events.EventBus.fromEventBusArn(this, `Target${i}`, arn)),
        ),
      });
    }
  }
}
