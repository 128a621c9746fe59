import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventBridgePublisher,
  EventPublishError,
  entryBytes,
  MAX_ENTRY_BYTES,
  toEntry,
} from '../../functions/adapters/eventbridge-publisher.js';
import { type BoundarySetEvent, EVENT_SOURCE } from '../../functions/application/ports/event-publisher.js';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'eu-west-2' });
afterEach(() => eventBridge.reset());

function event(changed = 2): BoundarySetEvent {
  const changedPostcodes = Array.from({ length: changed }, (_, i) => ({
    postcode: `GL1 ${String(i).padStart(1, '0')}AA`,
    changed: ['hub' as const],
    before: { hub: 'hub-a', hvPatch: 'hv-1', cocTeam: 'coc-1' },
    after: { hub: 'hub-b', hvPatch: 'hv-1', cocTeam: 'coc-1' },
  }));
  return {
    schema: 2,
    type: 'boundary-set.published',
    id: 'evt-7',
    area: 'gloucestershire',
    fromVersion: 2,
    toVersion: 3,
    seq: 7,
    at: '2026-11-23T08:00:00.000Z',
    by: 'planner@example.org',
    message: 'Move Hesters Way into Springbank',
    counts: {
      hubs: 17,
      spokes: 27,
      catchments: 17,
      hvPatches: 40,
      cocTeams: 9,
      spokeCatchments: 0,
      postcodes: 22051,
      postcodesInGaps: 0,
    },
    changedPostcodeCount: changed,
    changedCounts: { hub: changed, hvPatch: 0, cocTeam: 0 },
    changedPostcodes,
    changedPostcodesTruncated: false,
    changeList: { next: null, csv: '/v1/areas/gloucestershire/changes.csv?from=2&to=3' },
    hubMoves: [{ fromHub: 'hub-a', toHub: 'hub-b', postcodes: changed }],
    assignments: {
      from: '/v1/areas/gloucestershire/versions/2/assignments',
      to: '/v1/areas/gloucestershire/versions/3/assignments',
    },
  };
}

const noSleep = async () => {};

describe('EventBridgePublisher', () => {
  it('puts one event on the bus: the service source, the type as detail-type, the event as detail', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
    const publisher = new EventBridgePublisher({ client, eventBusName: 'catchments-prod' });
    await publisher.publish(event());
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entries = calls[0]!.args[0].input.Entries!;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: 'catchments-prod',
      Source: EVENT_SOURCE,
      DetailType: 'boundary-set.published',
    });
    expect(JSON.parse(entries[0]!.Detail!)).toEqual(event());
    expect(entries[0]!.Time?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
  });

  it('retries an entry EventBridge reports as throttled, then succeeds', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-2' }] });
    const slept: number[] = [];
    const publisher = new EventBridgePublisher({
      client,
      eventBusName: 'b',
      sleep: async (ms) => {
        slept.push(ms);
      },
      random: () => 0.5,
    });
    await publisher.publish(event());
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(slept).toEqual([100]);
  });

  it('gives up after its attempts with the error code, and does not retry what cannot succeed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] });
    const publisher = new EventBridgePublisher({ client, eventBusName: 'b', maxAttempts: 3, sleep: noSleep });
    const failure = publisher.publish(event());
    await expect(failure).rejects.toThrow(EventPublishError);
    await expect(failure).rejects.toThrow(/InternalFailure \(oops\)/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);

    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }],
    });
    await expect(publisher.publish(event())).rejects.toMatchObject({ errorCode: 'AccessDeniedException' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('lets a failed call (network, credentials) reach the caller', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('connect ETIMEDOUT'));
    const publisher = new EventBridgePublisher({ client, eventBusName: 'b', sleep: noSleep });
    await expect(publisher.publish(event())).rejects.toThrow('ETIMEDOUT');
  });

  it('refuses an event over 256 KB without calling EventBridge', async () => {
    const big = event(9000);
    expect(entryBytes(toEntry(big, 'b'))).toBeGreaterThan(MAX_ENTRY_BYTES);
    const publisher = new EventBridgePublisher({ client, eventBusName: 'b' });
    await expect(publisher.publish(big)).rejects.toMatchObject({ errorCode: 'EntryTooLarge' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('counts entry bytes as EventBridge does (UTF-8, Time as 14)', () => {
    expect(entryBytes({ Source: 'ab', DetailType: 'c', Detail: '"é"' })).toBe(2 + 1 + 4);
    expect(entryBytes({ Source: 'ab', Time: new Date(0), Resources: ['xyz'] })).toBe(14 + 2 + 3);
  });
});
