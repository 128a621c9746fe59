// CSV in and out, for every CSV the CLI and the scripts read or write, so each one copes with the
// same files: plain or gzip (recognised by its magic bytes, whatever the file is called), a file or
// `-` for standard input/output, a UTF-8 BOM, `,` `;` or tab delimiters (given, or detected from
// the header line), RFC 4180 quoting with fields spanning lines, and errors that name the line.
// Rows stream in batches, so a 1.7 M-row national file never sits in memory whole.
//
// Reading is csv-parse's (it copes with what other tools write). Writing uses the pure cell
// encoder in functions/core/csv-cell.ts, which defuses spreadsheet formulas in every cell: for
// 1.75 M rows csv-stringify took 9.2 s against ~2 s (a measured hot path; see that file).
//
// Two formats keep their own readers, for measured speed: the postcode directory's strict text
// format (functions/core/postcode-directory.ts: no quoting can occur in it; bench/postcode-directory)
// and the column-picking ONSPD/Code-Point importer (functions/adapters/postcode-import.ts), which
// reads only the 4 of ONSPD's ~54 quoted columns it needs: on 200,000 ONSPD-shaped rows it imported
// in 3.1 s where csv-parse alone took 13.4 s just to split them (same run, under contention).
import { once } from 'node:events';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline, Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CsvError, type Parser, parse } from 'csv-parse';
import { csvLine } from '../core/csv-cell.js';

/** The name users give for standard input or output. */
export const STDIO = '-';

export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Longest field accepted: a longer one is almost always a quote that was never closed. */
const MAX_FIELD_CHARS = 1 << 20;

/** The file is not CSV we can read; `line` is the 1-based line where reading stopped. */
export class CsvFormatError extends Error {
  readonly code = 'invalid-csv';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** Reads a `--delimiter` value: `,` `;` or tab (also `comma`, `semicolon`, `tab`, `\t`). */
export function parseDelimiter(text: string): CsvDelimiter | undefined {
  const named: Record<string, CsvDelimiter> = {
    ',': ',',
    comma: ',',
    ';': ';',
    semicolon: ';',
    '\t': '\t',
    '\\t': '\t',
    tab: '\t',
  };
  return named[text.toLowerCase()];
}

/** An opened input: its bytes (gunzipped when gzip), and how far reading has got, for progress. */
export interface InputSource {
  /** The file name, or "standard input". */
  readonly name: string;
  readonly stream: Readable;
  /** Bytes of the file as stored (compressed when gzip); undefined for standard input. */
  readonly size: number | undefined;
  /** Stored bytes read so far. */
  bytesRead(): number;
  close(): void;
}

/** Opens a file, or standard input for `-`, gunzipping when its content is gzip. */
export async function openInput(path: string, stdin?: Readable): Promise<InputSource> {
  let raw: Readable;
  let size: number | undefined;
  let name: string;
  if (path === STDIO) {
    if (!stdin) throw new CsvFormatError('standard input is not available here');
    raw = stdin;
    name = 'standard input';
  } else {
    const info = await stat(path);
    if (info.isDirectory())
      throw Object.assign(new Error(`${path} is a folder, not a file`), { code: 'EISDIR' });
    size = info.size;
    raw = createReadStream(path, { highWaterMark: 1 << 16 });
    name = path;
  }
  const start = await peek(raw, 2);
  const gzipped = start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b;
  let stream = raw;
  if (gzipped) {
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    stream = pipeline(raw, gunzip, () => {});
  }
  return {
    name,
    stream,
    size,
    bytesRead: () => (raw as Partial<ReadStream>).bytesRead ?? 0,
    close: () => {
      stream.destroy();
      if (raw !== stdin) raw.destroy();
    },
  };
}

/** CSV text already in memory (e.g. a request body) as an input, named `name` in errors. */
export function textInput(text: string, name: string): InputSource {
  const bytes = Buffer.from(text, 'utf8');
  const stream = Readable.from([bytes]);
  return {
    name,
    stream,
    size: bytes.length,
    bytesRead: () => bytes.length,
    close: () => stream.destroy(),
  };
}

/** Reads until `bytes` bytes (or the end) are buffered, and puts them back. */
async function peek(stream: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const chunk = stream.read() as Buffer | string | null;
    if (chunk === null) {
      if (stream.readableEnded) break;
      const ended = await Promise.race([
        once(stream, 'readable').then(() => false),
        once(stream, 'end').then(() => true),
      ]);
      if (ended) break;
      continue;
    }
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    length += buffer.length;
  }
  const all = Buffer.concat(chunks);
  if (all.length > 0) stream.unshift(all);
  return all;
}

export interface CsvReadOptions {
  /** The delimiter; by default the one of `,` `;` tab that occurs most in the header line. */
  readonly delimiter?: CsvDelimiter;
}

/** Rows read together. */
export interface CsvBatch {
  readonly rows: readonly string[][];
  /**
   * Each row's line as read, when the file has had no quote so far (so the line is the fields
   * joined by the delimiter): a writer can pass such a row through without encoding it again.
   */
  readonly texts?: readonly string[];
}

/** A headed CSV being read. */
export interface CsvTable {
  readonly source: InputSource;
  /** Column names from the first line, trimmed. */
  readonly header: readonly string[];
  readonly delimiter: CsvDelimiter;
  /** The data rows (blank lines skipped), in batches of whatever has been read. Read once. */
  batches(): AsyncGenerator<CsvBatch>;
}

/**
 * Opens a headed CSV: reads the header (detecting the delimiter) and streams the rows.
 *
 * The rows of a file with no quote character are exactly its lines split at the delimiter, and
 * that is how they are read until the first quote appears; from there on csv-parse reads the rest.
 * A measured hot path: for the 1.75 M rows of gb-postcodes.csv.gz, csv-parse took 4.6-7.6 s (and
 * most of a national `assign`'s garbage collection) against 1.6-1.8 s for the split. Either way
 * every row must have the header's number of fields, or reading stops with the line number.
 */
export async function readCsv(source: InputSource, options: CsvReadOptions = {}): Promise<CsvTable> {
  const reader = new CsvReader(source, options.delimiter);
  const records = reader.batches();
  const first = await records.next();
  const header = first.done ? undefined : first.value.rows[0];
  if (first.done || !header) throw new CsvFormatError(`${source.name} is empty: expected a header row`, 1);
  const rest: CsvBatch = {
    rows: first.value.rows.slice(1),
    ...(first.value.texts ? { texts: first.value.texts.slice(1) } : {}),
  };
  async function* batches(): AsyncGenerator<CsvBatch> {
    if (rest.rows.length > 0) yield rest;
    yield* records;
  }
  return { source, header: header.map((h) => h.trim()), delimiter: reader.delimiter, batches };
}

class CsvReader {
  delimiter: CsvDelimiter = ',';
  /** Fields per row: the header's. */
  private width = -1;
  /** Lines read by the split path (blank ones included). */
  private lines = 0;
  private headerLine: string | undefined;

  constructor(
    private readonly source: InputSource,
    private readonly givenDelimiter: CsvDelimiter | undefined,
  ) {}

  async *batches(): AsyncGenerator<CsvBatch> {
    const decoder = new StringDecoder('utf8');
    const chunks = this.source.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let carry = '';
    let started = false;
    try {
      for (;;) {
        const next = await chunks.next();
        let text = next.done ? decoder.end() : decoder.write(next.value);
        if (!started && (text !== '' || next.done)) {
          started = true;
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        }
        if (text.includes('"')) {
          yield* this.parseRest(carry + text, next.done ? undefined : chunks, decoder);
          return;
        }
        const batch = this.splitLines(carry + text, !next.done);
        carry = batch.carry;
        if (batch.rows.length > 0) yield { rows: batch.rows, texts: batch.texts };
        if (next.done) return;
      }
    } catch (error) {
      throw describeCsvError(error, this.source.name, this.width);
    }
  }

  /** Complete lines of `text` as rows; the unfinished last line is carried over (unless at the end). */
  private splitLines(text: string, more: boolean): { rows: string[][]; texts: string[]; carry: string } {
    const rows: string[][] = [];
    const texts: string[] = [];
    let start = 0;
    for (;;) {
      let end = text.indexOf('\n', start);
      if (end < 0) {
        if (more) return { rows, texts, carry: text.slice(start) };
        if (start >= text.length) return { rows, texts, carry: '' };
        end = text.length;
      }
      this.lines++;
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (stop > start) {
        const line = text.slice(start, stop);
        if (this.width < 0) {
          this.delimiter = this.givenDelimiter ?? detectDelimiter(line);
          this.headerLine = line;
        }
        const fields = line.split(this.delimiter);
        this.checkWidth(fields.length, this.lines);
        rows.push(fields);
        texts.push(line);
      }
      start = end + 1;
    }
  }

  private checkWidth(fields: number, line: number): void {
    if (this.width < 0) this.width = fields;
    else if (fields !== this.width) {
      throw new CsvFormatError(
        `${this.source.name} line ${line}: the row has ${fields} fields but the header has ${this.width}. Check for a stray delimiter or a missing quote.`,
        line,
      );
    }
  }

  /** From the first quote on: csv-parse reads `text` and the rest of the stream. */
  private async *parseRest(
    text: string,
    chunks: AsyncIterator<Buffer> | undefined,
    decoder: StringDecoder,
  ): AsyncGenerator<CsvBatch> {
    if (this.width < 0) this.delimiter = this.givenDelimiter ?? detectDelimiter(firstLine(text));
    // Given the header again first, csv-parse checks every row's width against it itself.
    const replayHeader = this.headerLine !== undefined;
    const lineOffset = replayHeader ? this.lines - 1 : this.lines;
    const parser = parse({
      delimiter: this.delimiter,
      skip_empty_lines: true,
      max_record_size: MAX_FIELD_CHARS,
    });
    const headerLine = this.headerLine;
    async function* rest(): AsyncGenerator<string> {
      if (headerLine !== undefined) yield `${headerLine}\n`;
      yield text;
      if (!chunks) return;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        yield decoder.write(next.value);
      }
      const tail = decoder.end();
      if (tail !== '') yield tail;
    }
    pipeline(Readable.from(rest()), parser, () => {});
    let skipHeader = replayHeader;
    try {
      for await (const batch of recordBatches(parser)) {
        if (skipHeader) {
          skipHeader = false;
          batch.shift();
          if (batch.length === 0) continue;
        }
        if (this.width < 0) this.width = batch[0]!.length;
        yield { rows: batch };
      }
    } catch (error) {
      // csv-parse counts lines from where it took over.
      if (error instanceof CsvError) Object.assign(error, { lines: Number(error.lines) + lineOffset });
      throw error;
    }
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/**
 * The delimiter of a header line: whichever of `,` `;` tab occurs most outside quotes (a comma on
 * a tie or when none occurs, so a one-column file is read as CSV).
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of CSV_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** csv-parse's records, in batches of what is buffered. */
async function* recordBatches(parser: Parser): AsyncGenerator<string[][]> {
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  parser.on('readable', () => wake?.());
  parser.on('end', () => {
    ended = true;
    wake?.();
  });
  parser.on('error', (error) => {
    failure = error;
    wake?.();
  });
  try {
    for (;;) {
      const batch: string[][] = [];
      for (let record = parser.read(); record !== null; record = parser.read()) batch.push(record);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    parser.destroy();
  }
}

function describeCsvError(error: unknown, name: string, width: number): Error {
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    const at = `${name} line ${line}`;
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new CsvFormatError(
          `${at}: a quoted field is never closed (the file ends inside it). Close the quote, or double a quote inside a field ("").`,
          line,
        );
      case 'CSV_MAX_RECORD_SIZE':
        return new CsvFormatError(
          `${at}: a field is longer than ${MAX_FIELD_CHARS.toLocaleString('en-GB')} characters, most likely because a quote opened before it is never closed.`,
          line,
        );
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        return new CsvFormatError(
          `${at}: a closing quote is followed by other characters. Quote the whole field and double any quote inside it ("").`,
          line,
        );
      case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
        const record = (error as CsvError & { record?: unknown[] }).record;
        return new CsvFormatError(
          `${at}: the row has ${record?.length ?? 'a different number of'} fields but the header has ${width >= 0 ? width : 'another number'}. Check for a stray delimiter or a missing quote.`,
          line,
        );
      }
      default:
        return new CsvFormatError(`${at}: ${error.message}`, line);
    }
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new CsvFormatError(`${name}: the gzip data is damaged (${(error as Error).message})`);
  }
  return error as Error;
}

/** Where CSV rows go: a file (written to a temporary name, renamed into place on success) or stdout. */
export interface CsvOutput {
  /** The file name, or "standard output". */
  readonly name: string;
  /** Writes text (whole lines), waiting while the destination is full. */
  write(text: string): Promise<void>;
  /** Writes one row of cells (defused and quoted) and a line end. */
  writeRow(cells: readonly string[]): Promise<void>;
  /** Finishes: a file is renamed into place. */
  close(): Promise<void>;
  /** Gives up: a file's temporary copy is removed and any earlier file is left as it was. */
  abandon(): Promise<void>;
  readonly toStdout: boolean;
}

export function openOutput(
  path: string,
  stdout: { write(text: string): unknown },
  delimiter: CsvDelimiter = ',',
): CsvOutput {
  if (path === STDIO) {
    const out = stdout as Partial<Writable> & { write(text: string): unknown };
    const write = async (text: string) => {
      if (out.write(text) === false && typeof out.once === 'function') await once(out as Writable, 'drain');
    };
    return {
      name: 'standard output',
      toStdout: true,
      write,
      writeRow: (cells) => write(`${csvLine(cells, delimiter)}\n`),
      close: async () => {},
      abandon: async () => {},
    };
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = createWriteStream(temp);
  let failure: Error | undefined;
  file.on('error', (error) => {
    failure = error;
  });
  const write = async (text: string) => {
    if (failure) throw failure;
    if (!file.write(text)) await once(file, 'drain'); // rejects if the file errors meanwhile
    if (failure) throw failure;
  };
  return {
    name: path,
    toStdout: false,
    write,
    writeRow: (cells) => write(`${csvLine(cells, delimiter)}\n`),
    close: async () => {
      file.end();
      await once(file, 'close');
      if (failure) throw failure;
      await rename(temp, path);
    },
    abandon: async () => {
      file.destroy();
      await rm(temp, { force: true });
    },
  };
}
