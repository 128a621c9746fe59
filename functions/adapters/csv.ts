// Streaming CSV reading for the CLI and importers: plain or gzip (detected by its magic bytes,
// whatever the file is called), RFC 4180 quoting (ONS quotes every field), one row at a time so
// a 1.7 M-row national file never sits in memory whole.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Lines of a text file, gunzipped when it is gzip. */
export async function* readLines(file: string): AsyncGenerator<string> {
  const raw = createReadStream(file);
  const stream = (await isGzipFile(file)) ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    raw.destroy();
  }
}

/**
 * Splits one CSV line into fields. Quoted fields may contain commas and doubled quotes; a quoted
 * field spanning lines is not supported (none of the postcode products use one) and is reported.
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const next = line.indexOf('"', i);
        if (next < 0) throw new Error('unterminated quoted field');
        value += line.slice(i, next);
        if (line[next + 1] === '"') {
          value += '"';
          i = next + 2;
        } else {
          i = next + 1;
          break;
        }
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',')
        throw new Error(`unexpected character after a quoted field at column ${i + 1}`);
      i++;
    } else {
      const next = line.indexOf(',', i);
      const end = next < 0 ? line.length : next;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly fields: readonly string[];
}

/** A headed CSV: the header's column names, then the rows. Blank lines are skipped. */
export async function readHeadedCsv(
  file: string,
): Promise<{ header: string[]; rows: AsyncGenerator<CsvRow> }> {
  const lines = readLines(file);
  const first = await lines.next();
  if (first.done) throw new Error(`${file} is empty: expected a header row`);
  const header = splitCsvLine(first.value.replace(/^\uFEFF/, '')).map((h) => h.trim());
  async function* rows(): AsyncGenerator<CsvRow> {
    let line = 1;
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      yield { line, fields: splitCsvLine(text) };
    }
  }
  return { header, rows: rows() };
}

/** Quotes a field for CSV output when it needs it. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
