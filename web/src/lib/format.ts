// Words and numbers for people: distances, opening hours, ages, counts. Pure functions (no DOM), so
// test/unit/web-format.test.ts checks them directly.

const GB = 'en-GB';

/** "850 m (0.5 miles)", "1.2 km (0.7 miles)", "12 km (7.5 miles)". */
export function formatDistance(metres: number): string {
  if (!Number.isFinite(metres) || metres < 0) return '';
  const miles = metres / 1609.344;
  const milesText =
    miles < 0.1 ? 'under 0.1 miles' : `${miles.toFixed(1)} ${miles.toFixed(1) === '1.0' ? 'mile' : 'miles'}`;
  if (metres < 1000) return `${Math.round(metres / 10) * 10} m (${milesText})`;
  const km = metres / 1000;
  return `${km < 10 ? km.toFixed(1) : Math.round(km).toString()} km (${milesText})`;
}

export function formatCount(n: number): string {
  return n.toLocaleString(GB);
}

/** 0.9534 -> "95.3%" (digits after the point, default 1). */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(digits)}%`;
}

/** A signed change: "+130", "−130" (minus sign), "0". */
export function formatChange(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '\u2212'}${formatCount(Math.abs(n))}`;
}

/** m² -> "2.3 km²" or "4.1 ha" or "350 m²". */
export function formatArea(m2: number): string {
  if (!Number.isFinite(m2)) return '';
  if (m2 >= 1_000_000) return `${(m2 / 1_000_000).toFixed(m2 >= 100_000_000 ? 0 : 1)} km²`;
  if (m2 >= 10_000) return `${(m2 / 10_000).toFixed(1)} ha`;
  return `${Math.round(m2)} m²`;
}

export interface Ages {
  readonly min: number;
  readonly max: number;
  readonly sendMaxAge?: number;
}

/** "0 to 19 (up to 25 with special educational needs and disabilities)". */
export function formatAges(ages: Ages): string {
  const base = `${ages.min} to ${ages.max}`;
  return ages.sendMaxAge && ages.sendMaxAge > ages.max
    ? `${base} (up to ${ages.sendMaxAge} with special educational needs and disabilities)`
    : base;
}

const DAY_CODES = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface OpeningRow {
  /** "Monday to Thursday", "Tuesday and Thursday", "Bank holidays". */
  readonly days: string;
  /** "8:30am to 5pm", "9am to 12:30pm and 1:30pm to 4pm", "Closed". */
  readonly hours: string;
}

/**
 * Reads the common subset of OpenStreetMap `opening_hours` the sites use: rules separated by `;`,
 * each `<days> <times>` with days as `Mo`, `Mo-Fr`, `Mo,We` or `PH` and times as `HH:MM-HH:MM`
 * (comma-separated) or `off`/`closed`. Returns null for anything else, so the caller shows the
 * text as written rather than a wrong reading.
 */
export function describeOpeningHours(text: string): OpeningRow[] | null {
  const rules = text
    .split(';')
    .map((r) => r.trim())
    .filter(Boolean);
  if (rules.length === 0) return null;
  const rows: OpeningRow[] = [];
  for (const rule of rules) {
    const match = /^([A-Za-z,\- ]+?)\s+(.+)$/.exec(rule);
    if (!match) return null;
    const days = describeDays(match[1]!.replace(/\s+/g, ''));
    const hours = describeTimes(match[2]!.trim());
    if (days === null || hours === null) return null;
    rows.push({ days, hours });
  }
  return rows;
}

function describeDays(spec: string): string | null {
  if (spec === 'PH') return 'Bank holidays';
  const parts: string[] = [];
  for (const item of spec.split(',')) {
    const range = /^([A-Z][a-z])(?:-([A-Z][a-z]))?$/.exec(item);
    if (!range) return null;
    const from = DAY_CODES.indexOf(range[1] as (typeof DAY_CODES)[number]);
    const to = range[2] === undefined ? from : DAY_CODES.indexOf(range[2] as (typeof DAY_CODES)[number]);
    if (from < 0 || to < 0 || to < from) return null;
    parts.push(to === from ? DAY_NAMES[from]! : `${DAY_NAMES[from]} to ${DAY_NAMES[to]}`);
  }
  return joinWords(parts);
}

function describeTimes(spec: string): string | null {
  if (spec === 'off' || spec === 'closed') return 'Closed';
  const ranges: string[] = [];
  for (const item of spec.split(',')) {
    const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(item.trim());
    if (!m) return null;
    const from = clock(Number(m[1]), Number(m[2]));
    const to = clock(Number(m[3]), Number(m[4]));
    if (from === null || to === null) return null;
    ranges.push(`${from} to ${to}`);
  }
  return joinWords(ranges);
}

/** 8:30 -> "8:30am", 17:00 -> "5pm", 12:00 -> "midday", 24:00/00:00 -> "midnight". */
export function clock(hours: number, minutes: number): string | null {
  if (!(hours >= 0 && hours <= 24 && minutes >= 0 && minutes < 60) || (hours === 24 && minutes > 0))
    return null;
  if (minutes === 0 && (hours === 0 || hours === 24)) return 'midnight';
  if (minutes === 0 && hours === 12) return 'midday';
  const suffix = hours < 12 ? 'am' : 'pm';
  const h = hours % 12 === 0 ? 12 : hours % 12;
  return minutes === 0 ? `${h}${suffix}` : `${h}:${String(minutes).padStart(2, '0')}${suffix}`;
}

/** ["a"] -> "a"; ["a", "b"] -> "a and b"; ["a", "b", "c"] -> "a, b and c". */
export function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Telephone link target: digits and a leading +, nothing else. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Only http(s) links are made clickable; anything else is shown as text. */
export function safeHttpUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
