// Delivers boundary-set events to HTTPS endpoints outside AWS (other councils' and suppliers'
// systems): one signed POST per endpoint (webhook-signature.ts), retried with backoff on network
// errors, timeouts, 429 and 5xx. Used by the local app (CATCHMENTS_WEBHOOKS) and, on AWS, by the
// delivery Lambda the event bus invokes per endpoint (functions/handlers/webhook-delivery.ts), so
// the code that signs and sends is the same everywhere.
import type { BoundarySetEvent, EventPublisher } from '../../application/ports/event-publisher.js';
import type { Logger } from '../../application/ports/logger.js';
import {
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
} from './webhook-signature.js';

export interface WebhookEndpoint {
  /** A short name for logs and metrics (never the URL: it may carry a token). */
  readonly name: string;
  readonly url: string;
  readonly secret: string;
}

export interface WebhookPublisherOptions {
  readonly endpoints: readonly WebhookEndpoint[];
  /** Per attempt. @default 5000 */
  readonly timeoutMs?: number;
  /** @default 3 */
  readonly maxAttempts?: number;
  /** Backoff before attempt n is up to base × 2^n ms, with full jitter. @default 200 */
  readonly baseDelayMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    readonly failures: readonly { readonly endpoint: string; readonly reason: string }[],
  ) {
    super(message);
  }
}

export class WebhookPublisher implements EventPublisher {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: WebhookPublisherOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Delivers to every endpoint (in parallel); throws once all have been tried if any failed. */
  async publish(event: BoundarySetEvent): Promise<void> {
    const body = JSON.stringify(event);
    const results = await Promise.all(
      this.options.endpoints.map(async (endpoint) => ({
        endpoint: endpoint.name,
        reason: await this.deliver(endpoint, event, body),
      })),
    );
    const failures = results.filter((r): r is { endpoint: string; reason: string } => r.reason !== null);
    if (failures.length > 0) {
      throw new WebhookDeliveryError(
        `Event ${event.id} was not delivered to ${failures.map((f) => `${f.endpoint} (${f.reason})`).join(', ')}.`,
        failures,
      );
    }
  }

  /** Null when delivered, else why not (after every attempt). */
  private async deliver(
    endpoint: WebhookEndpoint,
    event: BoundarySetEvent,
    body: string,
  ): Promise<string | null> {
    let reason = 'not attempted';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const timestamp = Math.floor(this.now() / 1000);
      let retryable = true;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'family-hub-catchments-webhooks/1',
            [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
            [EVENT_ID_HEADER]: event.id,
            [EVENT_TYPE_HEADER]: event.type,
          },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined); // free the socket
        if (response.ok) {
          this.options.logger?.info('webhook delivered', {
            endpoint: endpoint.name,
            id: event.id,
            status: response.status,
            attempts: attempt,
          });
          return null;
        }
        reason = `HTTP ${response.status}`;
        retryable = response.status === 429 || response.status >= 500;
      } catch (error) {
        reason =
          (error as Error).name === 'TimeoutError' ? `no answer in ${this.timeoutMs} ms` : 'network error';
      }
      if (!retryable || attempt === this.maxAttempts) break;
      this.options.logger?.warn('webhook failed, retrying', {
        endpoint: endpoint.name,
        id: event.id,
        reason,
        attempt,
      });
      await this.sleep(Math.floor(this.random() * this.baseDelayMs * 2 ** attempt));
    }
    this.options.logger?.error('webhook not delivered', { endpoint: endpoint.name, id: event.id, reason });
    return reason;
  }
}

/** Publishes each event to every publisher in turn (e.g. the in-memory log, then webhooks). */
export class FanOutPublisher implements EventPublisher {
  constructor(private readonly publishers: readonly EventPublisher[]) {}

  async publish(event: BoundarySetEvent): Promise<void> {
    const failures: unknown[] = [];
    for (const publisher of this.publishers) {
      try {
        await publisher.publish(event);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, `Event ${event.id}: ${failures.length} publishers failed.`);
  }
}
