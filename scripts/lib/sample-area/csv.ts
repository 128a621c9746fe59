// The shared data's small CSV files (family centres, operators, reference areas), read with
// csv-parse as every CSV in the project is (quoted fields, CRLF or LF, a BOM).
import { parse } from 'csv-parse/sync';

/** Parse CSV text into records keyed by the header row. Throws, naming the line, on a row with the wrong field count. */
export function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}
