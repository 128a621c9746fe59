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

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True when a spreadsheet would read the cell as a formula. */
export function isFormulaLike(value: string): boolean {
  const c = value.charCodeAt(0);
  // = + - @ tab CR
  if (c !== 61 && c !== 43 && c !== 45 && c !== 64 && c !== 9 && c !== 13) return false;
  return !PLAIN_NUMBER.test(value);
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
