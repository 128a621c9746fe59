// Lambda entry point that delivers boundary-set events outside AWS: the event bus invokes it, one
// rule per webhook endpoint, with `{ "endpoint": <name>, "event": <the event> }`. It signs and POSTs
// with the same code the local app uses (adapters/events/webhook-publisher.ts) and throws when the
// endpoint does not accept, so Lambda's asynchronous retries and then the dead-letter queue take
// over (lib/constructs/catchment-events.ts; docs/events.md "Delivery").
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebhookPublisher } from '../adapters/events/webhook-publisher.js';
import { WebhookSecrets } from '../adapters/events/webhook-secrets.js';
import type { BoundarySetEvent } from '../application/ports/event-publisher.js';
import { loadConfig, type ServiceConfig } from '../config.js';
import { createLogger } from '../http/logger.js';

export interface DeliveryInput {
  readonly endpoint: string;
  readonly event: BoundarySetEvent;
}

let setup:
  | { config: ServiceConfig; secrets: WebhookSecrets; logger: ReturnType<typeof createLogger> }
  | undefined;

export async function handler(input: DeliveryInput): Promise<{ delivered: string }> {
  setup ??= (() => {
    const config = loadConfig();
    return {
      config,
      secrets: new WebhookSecrets(new SecretsManagerClient({})),
      logger: createLogger(config.logLevel),
    };
  })();
  const { config, secrets, logger } = setup;
  const endpoint = config.webhooks.endpoints.find((e) => e.name === input.endpoint);
  const arn = config.webhooks.secretArns[input.endpoint];
  if (!endpoint || !arn) {
    // A rule for an endpoint this function was not configured for: a deployment error, not retryable.
    logger.error('webhook endpoint not configured', { endpoint: input.endpoint });
    throw new Error(`No webhook endpoint "${input.endpoint}" is configured on this function.`);
  }
  const publisher = new WebhookPublisher({
    endpoints: [{ ...endpoint, secret: await secrets.get(arn) }],
    timeoutMs: config.webhooks.timeoutMs,
    logger,
  });
  await publisher.publish(input.event);
  return { delivered: input.event.id };
}
