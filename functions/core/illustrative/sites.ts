// What an illustrative hub or spoke offers, when it is open and how to (not) ring it: fixed choices
// per site key (choices.ts), shared by the Gloucestershire sample area and the national sample.
import { SERVICE_CODES, type ServiceCode } from '../model.js';
import { fnv1a, pickByHash, rankByHash } from './choices.js';

const SPOKE_CORE: readonly ServiceCode[] = ['health-visiting', 'early-years'];
const SPOKE_OPTIONAL: readonly ServiceCode[] = [
  'midwifery',
  'infant-feeding',
  'parenting-support',
  'youth',
  'employment-advice',
  'debt-and-welfare-advice',
];
/** What every hub keeps whatever the variation: the statutory-ish start-for-life core. */
const HUB_CORE: readonly ServiceCode[] = [
  'midwifery',
  'health-visiting',
  'infant-feeding',
  'early-years',
  'parenting-support',
  'send',
];

/** Hubs offer the whole core offer less one or two of the non-core services, chosen by a fixed hash. */
export function hubServices(key: string): ServiceCode[] {
  const optional = SERVICE_CODES.filter((s) => !HUB_CORE.includes(s));
  const dropped = rankByHash(`hub:${key}`, optional).slice(0, 1 + (fnv1a(`hub:${key}`) % 2));
  return SERVICE_CODES.filter((s) => !dropped.includes(s));
}

/** Spokes offer health visiting and early years plus one to three others. */
export function spokeServices(key: string): ServiceCode[] {
  const extra = rankByHash(`spoke:${key}`, SPOKE_OPTIONAL).slice(0, 1 + (fnv1a(`spoke:${key}`) % 3));
  return SERVICE_CODES.filter((s) => SPOKE_CORE.includes(s) || extra.includes(s));
}

const HUB_HOURS = [
  'Mo-Fr 09:00-17:00',
  'Mo-Th 08:30-17:00; Fr 08:30-16:30',
  'Mo-Fr 08:30-17:00; Sa 09:30-12:30',
];
const SPOKE_HOURS = [
  'Tu,Th 09:30-12:30',
  'Mo,We 09:30-14:30',
  'We 10:00-15:00; Fr 09:30-12:00',
  'Tu 13:00-16:00; Th 09:30-12:30',
];

/** Opening hours (OpenStreetMap syntax) of a hub, fixed for `key`. */
export function hubHours(key: string): string {
  return pickByHash(`hours:${key}`, HUB_HOURS);
}

/** Opening hours (OpenStreetMap syntax) of a spoke, fixed for `key`. */
export function spokeHours(key: string): string {
  return pickByHash(`hours:${key}`, SPOKE_HOURS);
}

/** Ofcom's drama range 01632 960000-960999: numbers that never ring anyone. */
export function dramaPhone(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new RangeError(`No drama number ${n}`);
  return `01632 960${String(n).padStart(3, '0')}`;
}
