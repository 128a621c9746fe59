// Amazon Location fallback for well-formed postcodes missing from the postcode directory (new
// postcodes appear months before the next directory release). One SearchPlaceIndexForText call,
// Great Britain only, bounded by a timeout, answering a typed outcome and never throwing:
//
//   found       - a result whose own postcode is exactly the one asked for (never a district
//                 centroid or a nearby street: no silent guesses), with its [lng, lat] point
//   not-found   - Location knows no such postcode             -> the lookup answers 404
//   unavailable - throttled, timed out, misconfigured or down -> the lookup answers 503 + Retry-After
//
// Each call is billed, so answers are kept per container (bounded), and a local token bucket caps
// the calls a flood of made-up postcodes can cause.
import type { LocationClient, SearchPlaceIndexForTextCommandOutput } from '@aws-sdk/client-location';
import { LIMITS } from '../config.js';
import { PostcodeNotFoundError, ServiceUnavailableError } from '../core/errors.js';
import type { LatLng } from '../core/model.js';
import { normalisePostcode } from '../core/postcode.js';
import type { Logger } from '../http/logger.js';

export type GeocodeOutcome =
  | {
      readonly kind: 'found';
      readonly postcode: string;
      readonly location: LatLng;
      /** The place's label as Location gives it (e.g. "GL1 1AD, Gloucester, England, GBR"). */
      readonly label: string;
    }
  | { readonly kind: 'not-found'; readonly postcode: string }
  | {
      readonly kind: 'unavailable';
      readonly postcode: string;
      readonly reason: 'throttled' | 'timeout' | 'error';
      /** Seconds a client should wait before retrying. */
      readonly retryAfterSeconds: number;
    };

/** Resolves a canonical postcode to a point; implementations never throw. */
export interface PostcodeGeocoder {
  geocode(postcode: string): Promise<GeocodeOutcome>;
}

/** The one client method the adapter uses (a LocationClient, or a test double). */
export type LocationSender = Pick<LocationClient, 'send'>;

export const GEOCODER_LIMITS = {
  timeoutMs: LIMITS.geocoderTimeoutMs,
  callsPerSecond: { default: 5, min: 1, max: 100 },
  cachedAnswers: { default: 5000, min: 0, max: 100_000 },
} as const;

export interface LocationGeocoderOptions {
  readonly client: LocationSender;
  /** The place index name (`CATCHMENTS_PLACE_INDEX_NAME`). */
  readonly indexName: string;
  /** Whole-call budget, retries included. @default 1500 */
  readonly timeoutMs?: number;
  /** Location calls per second this container may make; beyond it, `unavailable`. @default 5 */
  readonly callsPerSecond?: number;
  /** Found and not-found answers kept (oldest dropped first). @default 5000 */
  readonly cachedAnswers?: number;
  readonly logger?: Logger;
  /** Milliseconds clock, for the token bucket. @default performance.now */
  readonly now?: () => number;
}

const THROTTLED_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException']);

export class LocationGeocoder implements PostcodeGeocoder {
  private readonly client: LocationSender;
  private readonly indexName: string;
  private readonly timeoutMs: number;
  private readonly callsPerSecond: number;
  private readonly maxCached: number;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;
  private readonly cache = new Map<string, GeocodeOutcome>();
  private tokens: number;
  private refilledAt: number;

  constructor(options: LocationGeocoderOptions) {
    this.client = options.client;
    this.indexName = options.indexName;
    this.timeoutMs = inRange('timeoutMs', options.timeoutMs, GEOCODER_LIMITS.timeoutMs);
    this.callsPerSecond = inRange('callsPerSecond', options.callsPerSecond, GEOCODER_LIMITS.callsPerSecond);
    this.maxCached = inRange('cachedAnswers', options.cachedAnswers, GEOCODER_LIMITS.cachedAnswers);
    this.logger = options.logger;
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.callsPerSecond;
    this.refilledAt = this.now();
  }

  async geocode(postcode: string): Promise<GeocodeOutcome> {
    const cached = this.cache.get(postcode);
    if (cached) return cached;
    if (!this.takeToken()) {
      this.logger?.warn('geocoder call budget exhausted', {
        outward: outwardCode(postcode),
        callsPerSecond: this.callsPerSecond,
      });
      return { kind: 'unavailable', postcode, reason: 'throttled', retryAfterSeconds: 1 };
    }
    const outcome = await this.search(postcode);
    if (outcome.kind !== 'unavailable') this.remember(postcode, outcome);
    return outcome;
  }

  private async search(postcode: string): Promise<GeocodeOutcome> {
    // Imported on first use: a server that never geocodes never loads the SDK client (~0.3 s).
    const { SearchPlaceIndexForTextCommand } = await import('@aws-sdk/client-location');
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve('timeout');
      }, this.timeoutMs);
    });
    const command = new SearchPlaceIndexForTextCommand({
      IndexName: this.indexName,
      Text: postcode,
      FilterCountries: ['GBR'],
      MaxResults: 5,
      Language: 'en',
    });
    const started = this.now();
    try {
      // The race, not only the abort signal, guarantees the answer: a client that ignores the
      // signal still cannot hold the request past the budget.
      const sending = this.client.send(command, { abortSignal: abort.signal });
      // After a timeout the abandoned call may still reject (aborted): that is expected, not a crash.
      sending.catch(() => {});
      const result = await Promise.race([sending, timedOut]);
      if (result === 'timeout') {
        this.logger?.warn('geocoder timed out', {
          outward: outwardCode(postcode),
          timeoutMs: this.timeoutMs,
        });
        return { kind: 'unavailable', postcode, reason: 'timeout', retryAfterSeconds: 5 };
      }
      const outcome = matchPostcode(postcode, result);
      this.logger?.debug('geocoder answered', {
        outward: outwardCode(postcode),
        outcome: outcome.kind,
        ms: this.now() - started,
      });
      return outcome;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      if (abort.signal.aborted || name === 'AbortError' || name === 'TimeoutError') {
        this.logger?.warn('geocoder timed out', {
          outward: outwardCode(postcode),
          timeoutMs: this.timeoutMs,
        });
        return { kind: 'unavailable', postcode, reason: 'timeout', retryAfterSeconds: 5 };
      }
      const status = httpStatusOf(error);
      if (THROTTLED_ERRORS.has(name) || status === 429) {
        this.logger?.warn('geocoder throttled by Amazon Location', { outward: outwardCode(postcode) });
        return { kind: 'unavailable', postcode, reason: 'throttled', retryAfterSeconds: 2 };
      }
      // Access denied, a missing index or a service fault: the operators must hear of it.
      this.logger?.error('geocoder failed', {
        outward: outwardCode(postcode),
        error: name,
        status,
        message: withoutPostcode(messageOf(error), postcode),
      });
      return { kind: 'unavailable', postcode, reason: 'error', retryAfterSeconds: 30 };
    } finally {
      clearTimeout(timer);
    }
  }

  private takeToken(): boolean {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.callsPerSecond, this.tokens + elapsed * this.callsPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private remember(postcode: string, outcome: GeocodeOutcome): void {
    if (this.maxCached === 0) return;
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(postcode, outcome);
  }
}

/**
 * The point of a found postcode, or the typed error the HTTP layer renders: 404 for a postcode
 * Location does not know either, 503 with Retry-After when Location cannot answer now.
 */
export function locationOrThrow(outcome: GeocodeOutcome): LatLng {
  switch (outcome.kind) {
    case 'found':
      return outcome.location;
    case 'not-found':
      throw new PostcodeNotFoundError(outcome.postcode);
    case 'unavailable':
      throw new ServiceUnavailableError(
        `${outcome.postcode} is not in the postcode directory and the address search that covers new ` +
          `postcodes is unavailable (${outcome.reason}). Try again in ${outcome.retryAfterSeconds} seconds, or search by location.`,
        { postcode: outcome.postcode, retryAfterSeconds: outcome.retryAfterSeconds },
      );
  }
}

/**
 * The first result whose postcode is exactly the one asked for, in Great Britain, with a usable
 * point. A search for an unknown unit postcode typically returns its district or sector: those
 * are not answers.
 */
export function matchPostcode(
  postcode: string,
  output: SearchPlaceIndexForTextCommandOutput,
): GeocodeOutcome {
  const wanted = compact(postcode);
  for (const result of output.Results ?? []) {
    const place = result.Place;
    if (!place?.PostalCode || compact(normalisePostcode(place.PostalCode)) !== wanted) continue;
    if (place.Country && place.Country !== 'GBR') continue;
    const [lng, lat] = place.Geometry?.Point ?? [];
    if (!isCoordinate(lng, -180, 180) || !isCoordinate(lat, -90, 90)) continue;
    return { kind: 'found', postcode, location: { lat, lng }, label: place.Label ?? postcode };
  }
  return { kind: 'not-found', postcode };
}

function compact(postcode: string): string {
  return postcode.replace(/\s+/g, '').toUpperCase();
}

function isCoordinate(value: number | undefined, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/**
 * Logs carry at most the outward code ("GL50"): a whole postcode locates a family's home to a
 * dozen addresses, and postcodes are personal data in a family-services context.
 */
function outwardCode(postcode: string): string {
  return postcode.split(' ')[0] ?? '';
}

/** An error message with the postcode (any case, with or without its space) cut to the outward code. */
function withoutPostcode(message: string, postcode: string): string {
  const [outward = '', inward = ''] = postcode.split(' ');
  // Canonical postcodes are letters and digits only, so they need no escaping in a pattern.
  return message.replace(new RegExp(`${outward}\\s*${inward}`, 'gi'), outward);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function inRange(
  name: string,
  value: number | undefined,
  range: { readonly default: number; readonly min: number; readonly max: number },
): number {
  if (value === undefined) return range.default;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new RangeError(
      `LocationGeocoder ${name}=${value} must be a whole number from ${range.min} to ${range.max}.`,
    );
  }
  return value;
}

/**
 * The geocoder a Lambda handler uses: Amazon Location when a place index is configured, else none.
 * The SDK client is imported only then: it costs a cold start ~0.3 s otherwise.
 */
export async function configuredGeocoder(
  settings: { readonly placeIndexName?: string | undefined; readonly timeoutMs: number },
  logger: Logger,
): Promise<LocationGeocoder | undefined> {
  if (!settings.placeIndexName) return undefined;
  const { LocationClient } = await import('@aws-sdk/client-location');
  return new LocationGeocoder({
    client: new LocationClient({ maxAttempts: 2 }),
    indexName: settings.placeIndexName,
    timeoutMs: settings.timeoutMs,
    logger,
  });
}
