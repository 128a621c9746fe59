// Checks for uploaded sites (hubs and spokes) and area descriptions: what a planner sends with
// `PUT /v1/admin/areas/{area}/draft/sites` (the `area.json` shape of a boundary-set folder) before
// it becomes part of a draft. Never throws for any input; each problem names the site and field.
import { truncate } from '../errors.js';
import { geodesicDistanceM } from '../geo/geodesic.js';
import {
  type AreaInfo,
  ORUK_ID_FIELDS,
  type OrukIds,
  SERVICE_CODES,
  type ServiceCode,
  type Site,
} from '../model.js';
import { parsePostcode } from '../postcode.js';
import type { DraftProblem } from './problems.js';

/** More sites than this is a wrong file, not a hub network (England has ~400 hubs in all). */
export const MAX_SITES = 5_000;
/**
 * A spoke lies within this geodesic distance of its hub. Spokes are a hub's outreach sites in the
 * same district; the bound also lets nearest-site answers load only the areas near the point
 * (functions/application/nearest-sites.ts).
 */
export const MAX_SPOKE_REACH_M = 50_000;
const MAX_TEXT = 500;
const MAX_ID = 200;
/** ORUK ids: UUIDs in ORUK v3, free strings in older feeds; printable, no spaces. */
const ORUK_ID = /^[\x21-\x7e]{1,200}$/;
/** Ofsted URNs: digits, with a two-letter register prefix for early years and social care (EY, SC). */
const OFSTED_URN = /^(?:[A-Z]{2})?\d{5,8}$/;

export interface SitesCheck {
  readonly problems: readonly DraftProblem[];
  /** The sites, normalised (postcodes canonical), when there is no problem. */
  readonly sites?: readonly Site[];
  /** The area description when the upload carried one (`{"area": {...}, "sites": [...]}`). */
  readonly area?: AreaInfo;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Accepts `[site, ...]`, `{"sites": [...]}` or `{"area": {...}, "sites": [...]}` (area.json). */
export function checkSites(input: unknown, areaId: string): SitesCheck {
  let list: unknown = input;
  let area: AreaInfo | undefined;
  const problems: DraftProblem[] = [];
  if (isObj(input)) {
    const extra = Object.keys(input).filter((k) => k !== 'sites' && k !== 'area');
    if (extra.length > 0) {
      problems.push(
        sitesProblem(
          `The body has unknown members ${extra.slice(0, 5).map(quote).join(', ')}; send {"sites": [...]} with an optional "area".`,
        ),
      );
    }
    list = input.sites;
    if (input.area !== undefined) {
      const checked = checkAreaInfo(input.area, areaId);
      problems.push(...checked.problems);
      area = checked.area;
    }
  }
  if (!Array.isArray(list)) {
    return {
      problems: [
        ...problems,
        sitesProblem(
          'Send the sites as a JSON array, or as {"sites": [...]} (the area.json of a boundary-set folder).',
        ),
      ],
    };
  }
  if (list.length > MAX_SITES) {
    return {
      problems: [
        ...problems,
        sitesProblem(`${list.length} sites were sent; at most ${MAX_SITES} are accepted.`),
      ],
    };
  }
  const sites: Site[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const site = checkSite(list[i], i, problems);
    if (!site) continue;
    const first = seen.get(site.id);
    if (first !== undefined) {
      problems.push(
        siteProblem(
          site,
          'duplicate-site-id',
          `Sites #${first} and #${i} both have the id "${truncate(site.id)}"; site ids must be unique.`,
        ),
      );
    } else seen.set(site.id, i);
    sites.push(site);
  }
  const hubs = new Map(sites.filter((s) => s.kind === 'hub').map((s) => [s.id, s]));
  for (const site of sites) {
    if (site.kind !== 'spoke' || site.hubId === undefined) continue;
    const hub = hubs.get(site.hubId);
    if (!hub) {
      problems.push(
        siteProblem(
          site,
          'spoke-without-hub',
          `Spoke "${truncate(site.id)}" belongs to hub "${truncate(site.hubId)}", which is not a hub in this list. Fix its hubId or add the hub.`,
        ),
      );
      continue;
    }
    const distance = geodesicDistanceM(
      [site.location.lng, site.location.lat],
      [hub.location.lng, hub.location.lat],
    );
    if (distance > MAX_SPOKE_REACH_M) {
      problems.push(
        siteProblem(
          site,
          'spoke-too-far',
          `Spoke "${truncate(site.id)}" is ${Math.round(distance / 1000)} km from its hub "${truncate(hub.id)}"; a spoke lies within ${MAX_SPOKE_REACH_M / 1000} km of its hub. Check its location (lat/lng, not swapped) or its hubId.`,
        ),
      );
    }
  }
  if (problems.length > 0) return { problems };
  return { problems, sites, ...(area ? { area } : {}) };
}

function checkSite(raw: unknown, i: number, problems: DraftProblem[]): Site | undefined {
  const where = `Site #${i}`;
  if (!isObj(raw)) {
    problems.push(sitesProblem(`${where} is not an object.`));
    return undefined;
  }
  const before = problems.length;
  const bad = (field: string, why: string) =>
    problems.push({
      kind: 'invalid-site',
      severity: 'error',
      layer: 'sites',
      feature: typeof raw.id === 'string' ? truncate(raw.id) : `#${i}`,
      message: `${where}${typeof raw.id === 'string' ? ` (${truncate(raw.id)})` : ''}: "${field}" ${why}`,
    });
  const text = (field: string, required: boolean, max = MAX_TEXT): string | undefined => {
    const v = raw[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '' || v.length > max) {
      bad(field, `must be a non-empty string of at most ${max} characters.`);
      return undefined;
    }
    return v;
  };
  const id = text('id', true, MAX_ID);
  const kind = raw.kind;
  if (kind !== 'hub' && kind !== 'spoke') bad('kind', 'must be "hub" or "spoke".');
  const name = text('name', true);
  const address = text('address', true);
  const operator = text('operator', true);
  const openingHours = text('openingHours', true);
  const hubId = kind === 'spoke' ? text('hubId', true, MAX_ID) : text('hubId', false, MAX_ID);
  if (kind === 'hub' && raw.hubId !== undefined)
    bad('hubId', 'is for spokes only (the hub a spoke belongs to).');
  let postcode: string | undefined;
  const parsed = parsePostcode(raw.postcode);
  if (parsed.ok) postcode = parsed.postcode;
  else bad('postcode', `is not a UK postcode (${parsed.reason}).`);
  const location = raw.location;
  let lat: number | undefined;
  let lng: number | undefined;
  if (isObj(location) && isFiniteIn(location.lat, 90) && isFiniteIn(location.lng, 180)) {
    lat = location.lat as number;
    lng = location.lng as number;
  } else bad('location', 'must be {"lat": <degrees>, "lng": <degrees>} in WGS84.');
  const services = raw.services;
  const known = new Set<string>(SERVICE_CODES);
  if (!Array.isArray(services) || !services.every((s) => typeof s === 'string' && known.has(s))) {
    bad('services', `must be an array of service codes: ${SERVICE_CODES.join(', ')}.`);
  }
  const ages = raw.ages;
  if (
    !isObj(ages) ||
    !isAge(ages.min) ||
    !isAge(ages.max) ||
    (ages.min as number) > (ages.max as number) ||
    (ages.sendMaxAge !== undefined && !isAge(ages.sendMaxAge))
  ) {
    bad(
      'ages',
      'must be {"min": <years>, "max": <years>} (whole numbers 0-25, min ≤ max), optionally with "sendMaxAge".',
    );
  }
  const contact = raw.contact;
  if (
    !isObj(contact) ||
    !['phone', 'email', 'website'].every(
      (k) =>
        contact[k] === undefined ||
        (typeof contact[k] === 'string' && (contact[k] as string).length <= MAX_TEXT),
    ) ||
    Object.keys(contact).some((k) => !['phone', 'email', 'website'].includes(k))
  ) {
    bad('contact', 'must be an object with optional "phone", "email" and "website" strings.');
  }
  const oruk = raw.oruk;
  if (
    oruk !== undefined &&
    (!isObj(oruk) ||
      Object.keys(oruk).some((k) => !(ORUK_ID_FIELDS as readonly string[]).includes(k)) ||
      !Object.values(oruk).every((v) => typeof v === 'string' && ORUK_ID.test(v)))
  ) {
    bad(
      'oruk',
      `must be an object with optional ${ORUK_ID_FIELDS.map(quote).join(', ')}: the site's ids in the council's Open Referral UK feed (no spaces, at most 200 characters).`,
    );
  }
  const ofstedUrn = raw.ofstedUrn;
  if (ofstedUrn !== undefined && (typeof ofstedUrn !== 'string' || !OFSTED_URN.test(ofstedUrn))) {
    bad('ofstedUrn', 'must be an Ofsted unique reference number such as "20123" or "EY123456".');
  }
  if (problems.length > before) return undefined;
  const a = ages as { min: number; max: number; sendMaxAge?: number };
  const c = contact as Site['contact'];
  return {
    id: id!,
    kind: kind as Site['kind'],
    name: name!,
    ...(hubId !== undefined ? { hubId } : {}),
    address: address!,
    postcode: postcode!,
    location: { lat: lat!, lng: lng! },
    operator: operator!,
    services: services as ServiceCode[],
    ages: { min: a.min, max: a.max, ...(a.sendMaxAge !== undefined ? { sendMaxAge: a.sendMaxAge } : {}) },
    contact: {
      ...(c.phone !== undefined ? { phone: c.phone } : {}),
      ...(c.email !== undefined ? { email: c.email } : {}),
      ...(c.website !== undefined ? { website: c.website } : {}),
    },
    openingHours: openingHours!,
    ...(oruk !== undefined && Object.keys(oruk as object).length > 0 ? { oruk: oruk as OrukIds } : {}),
    ...(ofstedUrn !== undefined ? { ofstedUrn: ofstedUrn as string } : {}),
  };
}

/** Checks an area description; `id` must match the area of the URL when given. */
export function checkAreaInfo(raw: unknown, areaId: string): { problems: DraftProblem[]; area?: AreaInfo } {
  const problems: DraftProblem[] = [];
  const bad = (message: string) => problems.push({ kind: 'invalid-area', severity: 'error', message });
  if (!isObj(raw)) {
    bad(
      '"area" must be an object {"name": ..., "description"?: ..., "illustrative"?: ..., "attribution"?: [...]}.',
    );
    return { problems };
  }
  if (raw.id !== undefined && raw.id !== areaId)
    bad(`"area.id" is "${truncate(String(raw.id))}" but the URL names area "${areaId}".`);
  const name = raw.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_TEXT)
    bad('"area.name" must be a non-empty string.');
  const description = raw.description;
  if (description !== undefined && (typeof description !== 'string' || description.length > 5_000)) {
    bad('"area.description" must be a string of at most 5,000 characters.');
  }
  if (raw.illustrative !== undefined && typeof raw.illustrative !== 'boolean')
    bad('"area.illustrative" must be true or false.');
  const attribution = raw.attribution;
  if (
    attribution !== undefined &&
    (!Array.isArray(attribution) ||
      attribution.length > 50 ||
      !attribution.every((a) => typeof a === 'string' && a.length <= 2_000))
  ) {
    bad('"area.attribution" must be an array of licence statements (strings).');
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    area: {
      id: areaId,
      name: name as string,
      ...(typeof description === 'string' ? { description } : {}),
      illustrative: raw.illustrative === true,
      attribution: (attribution as string[] | undefined) ?? [],
    },
  };
}

function isFiniteIn(value: unknown, limit: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
}

function isAge(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 25;
}

function quote(key: string): string {
  return `"${truncate(key, 40)}"`;
}

function sitesProblem(message: string): DraftProblem {
  return { kind: 'invalid-sites', severity: 'error', layer: 'sites', message };
}

function siteProblem(site: Site, kind: string, message: string): DraftProblem {
  return {
    kind,
    severity: 'error',
    layer: 'sites',
    feature: site.id,
    location: [site.location.lng, site.location.lat],
    message,
  };
}
