// Signed webhook delivery over real HTTP on loopback: signatures verify, tampering and replays do
// not, failures are retried with backoff and reported, never thrown past the caller's handling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliveryError, WebhookPublisher } from '../../functions/adapters/events/webhook-publisher.js';
import { signatureHeader, verifySignature } from '../../functions/adapters/events/webhook-signature.js';
import type { BoundarySetEvent } from '../../functions/application/ports/event-publisher.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const SECRET = 'whsec-test-0123456789abcdef';
const event = {
  schema: 2,
  type: 'boundary-set.published',
  id: 'evt-1',
  area: 'testshire',
  toVersion: 2,
} as unknown as BoundarySetEvent;

describe('webhook signatures', () => {
  const body = '{"id":"evt-1"}';
  const now = 1_750_000_000;

  it('verifies its own signature and refuses tampering, other secrets, stale and missing headers', () => {
    const header = signatureHeader(SECRET, now, body);
    expect(header).toMatch(/^t=1750000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET, header, body, now + 10)).toEqual({ ok: true });
    expect(verifySignature(SECRET, header, `${body} `, now)).toMatchObject({ ok: false });
    expect(verifySignature('another-secret-0123456789', header, body, now)).toMatchObject({ ok: false });
    expect(verifySignature(SECRET, header, body, now + 301)).toEqual({
      ok: false,
      reason: 'timestamp outside tolerance',
    });
    expect(verifySignature(SECRET, undefined, body, now)).toMatchObject({ ok: false });
    expect(verifySignature(SECRET, 't=abc,v1=00', body, now)).toMatchObject({ ok: false });
  });

  it('accepts any of several v1 values (secret rotation)', () => {
    const old = signatureHeader('old-secret-0123456789abc', now, body).split('v1=')[1];
    const header = `${signatureHeader(SECRET, now, body)},v1=${old}`;
    expect(verifySignature('old-secret-0123456789abc', header, body, now)).toEqual({ ok: true });
  });
});

describe('WebhookPublisher', () => {
  let sink: WebhookSink;
  beforeAll(async () => {
    sink = await startWebhookSink(SECRET);
  });
  afterAll(async () => {
    await sink.close();
  });

  const publisher = (url: string, attempts = 3) =>
    new WebhookPublisher({
      endpoints: [{ name: 'sink', url, secret: SECRET }],
      maxAttempts: attempts,
      timeoutMs: 2_000,
      sleep: async () => {},
    });

  it('POSTs the event signed, with its id and type', async () => {
    sink.received.length = 0;
    await publisher(sink.url).publish(event);
    expect(sink.received).toHaveLength(1);
    const [got] = sink.received;
    expect(got!.verified).toBe(true);
    expect(JSON.parse(got!.body)).toEqual(event);
    expect(got!.headers['catchments-event-id']).toBe('evt-1');
    expect(got!.headers['catchments-event-type']).toBe('boundary-set.published');
    expect(got!.headers['content-type']).toBe('application/json');
  });

  it('retries 5xx and 429, then succeeds', async () => {
    sink.received.length = 0;
    sink.failNext(2, 503);
    await publisher(sink.url).publish(event);
    expect(sink.received).toHaveLength(3);
    sink.received.length = 0;
    sink.failNext(1, 429);
    await publisher(sink.url).publish(event);
    expect(sink.received).toHaveLength(2);
  });

  it('does not retry a 4xx refusal, and reports endpoints that never accepted', async () => {
    sink.received.length = 0;
    sink.failNext(1, 400);
    await expect(publisher(sink.url).publish(event)).rejects.toBeInstanceOf(WebhookDeliveryError);
    expect(sink.received).toHaveLength(1);
    sink.failNext(5, 500);
    await expect(publisher(sink.url, 3).publish(event)).rejects.toThrow(/sink \(HTTP 500\)/);
    sink.failNext(0);
    // Nothing listening: a network error, retried, then reported.
    await expect(publisher('http://127.0.0.1:9/hooks', 2).publish(event)).rejects.toThrow(/network error/);
  });
});
