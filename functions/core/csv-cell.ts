// Cells of the CSV files the project writes (`catchments assign` output, the public
// assignments.csv export): quoted as RFC 4180 says when they need it, and defused against
// spreadsheet formula injection (OWASP "CSV injection"): a cell starting with = + - @, a tab or a CR
// runs as a formula when the file is opened in Excel or LibreOffice, so it gets a leading
// apostrophe, which spreadsheets show as text. Plain numbers (`-2.2437`, `+44`) are left alone:
// they are not formulas, and a longitude must stay a number.
//
// Pure and hand-written on purpose: national files have ~1.7 M rows, and csv-stringify took 9.2 s
// to write 1.75 M six-field rows where this takes ~2 s (measured on this project's machine); reading,
// which has to cope with whatever others write, is csv-parse's job (functions/adapters/csv.ts).

/** True when a spreadsheet would read the cell as a formula. */
export function isFormulaLike(value: string): boolean {
  const c = value.charCodeAt(0);
  // = + - @ tab CR
  if (c !== 61 && c !== 43 && c !== 45 && c !== 64 && c !== 9 && c !== 13) return false;
  return !isPlainNumber(value);
}

/**
 * Whether the text is a plain decimal number: /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
 * written out by hand, because it runs on every negative longitude of a national file and the
 * regular expression was a tenth of `catchments assign`'s time (profiled on gb-postcodes.csv.gz).
 */
export function isPlainNumber(text: string): boolean {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) i++;
  let digits = 0;
  while (i < n && isDigit(text.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && text.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i === n) return true;
  c = text.charCodeAt(i);
  if (c !== 101 && c !== 69) return false;
  i++;
  c = text.charCodeAt(i);
  if (c === 43 || c === 45) i++;
  const exponentStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i > exponentStart && i === n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The cell as it can be shown safely in a spreadsheet: formula-like text gets a leading `'`. */
export function defuseCell(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}

/** One defused cell, quoted when it holds the delimiter, a quote or a line break. */
export function csvCell(value: string, delimiter = ','): string {
  const safe = defuseCell(value);
  if (safe.includes(delimiter) || safe.includes('"') || safe.includes('\n') || safe.includes('\r')) {
    return `"${safe.replaceAll('"', '""')}"`;
  }
  return safe;
}

/** One row of defused, quoted cells, without the line end. */
export function csvLine(cells: readonly string[], delimiter = ','): string {
  let line = cells.length > 0 ? csvCell(cells[0]!, delimiter) : '';
  for (let i = 1; i < cells.length; i++) line += delimiter + csvCell(cells[i]!, delimiter);
  return line;
}
