// Local runs and tests: the events port kept in memory and logged (AWS: eventbridge-publisher.ts).

import type { BoundarySetEvent, EventPublisher } from '../../application/ports/event-publisher.js';
import type { Logger } from '../../application/ports/logger.js';

/** Local runs and tests: logs each event (one line) and keeps the latest `keep` in memory. */
export class MemoryEventPublisher implements EventPublisher {
  readonly events: BoundarySetEvent[] = [];

  constructor(
    private readonly logger?: Logger,
    private readonly keep = 1_000,
  ) {}

  async publish(event: BoundarySetEvent): Promise<void> {
    this.events.push(event);
    if (this.events.length > this.keep) this.events.splice(0, this.events.length - this.keep);
    this.logger?.info('event', {
      type: event.type,
      id: event.id,
      area: event.area,
      fromVersion: event.fromVersion,
      toVersion: event.toVersion,
      changedPostcodeCount: event.changedPostcodeCount,
    });
  }
}
