// Census geography codes carried by postcodes: the output area (OA) and lower layer super output
// area (LSOA) of the 2011 and 2021 censuses, as ONS publish them in ONSPD and NSPL (columns `oa11`,
// `lsoa11`, `oa21`, `lsoa21`). A planner's counts (births, children, open cases) often come per
// LSOA or OA; these codes are how such counts reach postcodes (functions/core/weights/).
//
// A code is a letter and eight digits (GSS codes: `E01022380`, `W00000001`, `S01006506`, and ONS's
// pseudo codes such as `L99999999` for the Channel Islands). Codes of other shapes (Northern
// Ireland's old `95AA01S1` SOAs) are not census codes here. A code fits a double exactly
// (letter × 10^8 + digits < 2^53), which is how the postcode directory stores it.

/** The census columns a postcode directory may carry, in the order the directory file lists them. */
export const CENSUS_COLUMNS = ['oa11', 'lsoa11', 'oa21', 'lsoa21'] as const;
export type CensusColumn = (typeof CENSUS_COLUMNS)[number];

/** A postcode's census codes, by column (only those known). */
export type CensusCodes = Readonly<Partial<Record<CensusColumn, string>>>;

const CENSUS_CODE = /^[A-Z][0-9]{8}$/;

export function isCensusColumn(value: string): value is CensusColumn {
  return (CENSUS_COLUMNS as readonly string[]).includes(value);
}

/** True for a census code in canonical form (upper-case letter, eight digits). */
export function isCensusCode(value: string): boolean {
  return CENSUS_CODE.test(value);
}

/** What someone typed as a code, trimmed and upper-cased; undefined when it is not a census code. */
export function normaliseCensusCode(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  return isCensusCode(code) ? code : undefined;
}

/** A canonical census code as a number (letter × 10^8 + digits); NaN for anything else. */
export function encodeCensusCode(code: string): number {
  if (!isCensusCode(code)) return Number.NaN;
  return (code.charCodeAt(0) - 64) * 1e8 + Number(code.slice(1));
}

/** The code `encodeCensusCode` made; undefined for NaN. */
export function decodeCensusCode(value: number): string | undefined {
  if (Number.isNaN(value)) return undefined;
  const letter = Math.floor(value / 1e8);
  return String.fromCharCode(64 + letter) + String(value - letter * 1e8).padStart(8, '0');
}
