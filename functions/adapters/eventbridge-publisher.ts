// The events port on AWS: each boundary-set event becomes one EventBridge event on the service's
// bus (`CATCHMENTS_EVENT_BUS_NAME`), source `family-hub-catchments`, detail-type the event's
// `type`, detail the event itself (schema: docs/events.md). PutEvents can fail per entry while
// the call succeeds, so the entry's result is checked and retried with backoff; an event that
// cannot be delivered raises EventPublishError for the caller to record and report.
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  type BoundarySetEvent,
  EVENT_SOURCE,
  type EventPublisher,
} from '../application/ports/event-publisher.js';
import type { Logger } from '../http/logger.js';

/** EventBridge's limit on one entry (Time, Source, DetailType, Detail and Resources, UTF-8). */
export const MAX_ENTRY_BYTES = 262_144;

export type EventBridgeSender = Pick<EventBridgeClient, 'send'>;

export interface EventBridgePublisherOptions {
  readonly client: EventBridgeSender;
  readonly eventBusName: string;
  /** Attempts for an entry EventBridge reports as failed (throttled, internal). @default 4 */
  readonly maxAttempts?: number;
  /** Backoff before attempt n is up to base × 2^n ms, with full jitter. @default 100 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly logger?: Logger;
}

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  constructor(
    message: string,
    readonly eventId: string,
    readonly errorCode: string | undefined,
  ) {
    super(message);
  }
}

/** Entry error codes worth sending again (anything else will fail the same way). */
const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'InternalFailure',
  'InternalException',
  'ServiceUnavailable',
]);

export class EventBridgePublisher implements EventPublisher {
  private readonly client: EventBridgeSender;
  private readonly eventBusName: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly logger: Logger | undefined;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
  }

  async publish(event: BoundarySetEvent): Promise<void> {
    const entry = toEntry(event, this.eventBusName);
    const bytes = entryBytes(entry);
    if (bytes > MAX_ENTRY_BYTES) {
      throw new EventPublishError(
        `Event ${event.id} (${event.type}, ${event.area}) is ${bytes} bytes; EventBridge accepts at most ${MAX_ENTRY_BYTES}. ` +
          'The event must truncate changedPostcodes to its size budget.',
        event.id,
        'EntryTooLarge',
      );
    }
    let lastCode: string | undefined;
    let lastMessage: string | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      // SDK-level errors (network, credentials, throttling of the whole call after the client's own
      // retries) propagate as they are: the caller sees why.
      // Imported on first use: a local server never loads the SDK client (~0.2 s of its start).
      const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
      const result = await this.client.send(new PutEventsCommand({ Entries: [entry] }));
      const outcome = result.Entries?.[0];
      if ((result.FailedEntryCount ?? 0) === 0 && outcome?.EventId) {
        this.logger?.info('event published', {
          type: event.type,
          id: event.id,
          area: event.area,
          eventId: outcome.EventId,
          bytes,
          attempts: attempt,
        });
        return;
      }
      lastCode = outcome?.ErrorCode;
      lastMessage = outcome?.ErrorMessage;
      if (!lastCode || !RETRYABLE_CODES.has(lastCode) || attempt === this.maxAttempts) break;
      this.logger?.warn('event entry failed, retrying', { id: event.id, errorCode: lastCode, attempt });
      await this.sleep(Math.floor(this.random() * this.baseDelayMs * 2 ** attempt));
    }
    throw new EventPublishError(
      `EventBridge did not accept event ${event.id} (${event.type}, ${event.area}) on bus ${this.eventBusName}: ` +
        `${lastCode ?? 'no event id returned'}${lastMessage ? ` (${lastMessage})` : ''}.`,
      event.id,
      lastCode,
    );
  }
}

export function toEntry(event: BoundarySetEvent, eventBusName: string): PutEventsRequestEntry {
  const time = new Date(event.at);
  return {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
  };
}

/** An entry's size as EventBridge counts it (a Time counts 14 bytes). */
export function entryBytes(entry: PutEventsRequestEntry): number {
  const utf8 = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, r) => sum + utf8(r), 0)
  );
}
