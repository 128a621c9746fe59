// `catchments import-postcodes <csv[.gz]...> --format codepoint|onspd|nspl --out <dir>`: builds the
// postcode directory file (`<dir>/postcodes.csv.gz`) from the published postcode products.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeDirectoryFile } from '../../adapters/directory-file.js';
import {
  importPostcodes,
  POSTCODE_SOURCE_FORMATS,
  type PostcodeImportSummary,
  type PostcodeSourceFormat,
} from '../../adapters/postcode-import.js';
import {
  type CliCommand,
  createProgress,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  formatTable,
  requiredOption,
  UsageError,
} from '../framework.js';

export const DIRECTORY_FILE_NAME = 'postcodes.csv.gz';

export const importPostcodesCommand: CliCommand = {
  name: 'import-postcodes',
  summary: 'Build the postcode directory from Code-Point Open, ONSPD or NSPL CSV files',
  args: '<csv[.gz]...>',
  options: {
    format: {
      type: 'string',
      valueName: 'format',
      description: `${POSTCODE_SOURCE_FORMATS.join(', ')}: the product the files come from (required)`,
    },
    out: {
      type: 'string',
      valueName: 'dir',
      description: `Folder to write ${DIRECTORY_FILE_NAME} into (required)`,
    },
    json: { type: 'boolean', description: 'Print the summary as JSON' },
  },
  details: `Files may be gzipped (recognised by content, whatever the name). Code-Point Open ships one
CSV per postcode area without a header: pass them all at once. ONSPD/NSPL need their header row.

Examples:
  catchments import-postcodes Data/CSV/*.csv --format codepoint --out data/gloucestershire
  catchments import-postcodes ONSPD_FEB_2025_UK.csv.gz --format onspd --out data --json

Rows that cannot be imported are counted and the first few listed with their line numbers.
Exit codes: 0 imported, 1 some rows were rejected (the rest were written) or nothing to import,
2 bad usage, unreadable file or a file not of the stated format (nothing written).`,
  async run(input) {
    const files = input.positionals;
    if (files.length === 0) throw new UsageError('give the CSV file(s) to import');
    const format = requiredOption(input, 'format');
    if (!isFormat(format)) {
      throw new UsageError(`--format must be one of ${POSTCODE_SOURCE_FORMATS.join(', ')}, got "${format}"`);
    }
    const outDir = requiredOption(input, 'out');
    let totalBytes = 0;
    for (const file of files) {
      const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(
          `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
        );
      });
      if (!info.isFile()) throw new UsageError(`${file} is not a file`);
      totalBytes += info.size;
    }

    const progress = createProgress(input.io, 'Importing postcodes', totalBytes, { unit: 'bytes' });
    const started = performance.now();
    const { records, summary } = await importPostcodes(files, {
      format,
      onProgress: (_rows, bytes) => progress.tick(bytes),
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;

    let output: string | null = null;
    if (records.length > 0) {
      await mkdir(outDir, { recursive: true });
      output = path.join(outDir, DIRECTORY_FILE_NAME);
      await writeDirectoryFile(output, records);
    }
    if (flag(input, 'json')) {
      input.io.stdout.write(`${JSON.stringify({ output, format, files, summary }, null, 2)}\n`);
    } else {
      input.io.stdout.write(describeSummary(summary, output, seconds));
    }
    if (output === null) {
      input.io.stderr.write('Nothing was imported, so no directory was written.\n');
      return EXIT_FINDINGS;
    }
    return summary.rejected > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};

function isFormat(value: string): value is PostcodeSourceFormat {
  return (POSTCODE_SOURCE_FORMATS as readonly string[]).includes(value);
}

function describeSummary(summary: PostcodeImportSummary, output: string | null, seconds: number): string {
  const n = (value: number) => value.toLocaleString('en-GB');
  const rate = seconds > 0 ? ` (${n(Math.round(summary.rowsRead / seconds))} rows/s)` : '';
  let text = formatTable(
    [
      ['', 'rows'],
      ['read', n(summary.rowsRead)],
      ['imported', n(summary.imported)],
      ['  live', n(summary.live)],
      ['  terminated', n(summary.terminated)],
      ['  without location', n(summary.withoutLocation)],
      ['rejected', n(summary.rejected)],
    ],
    [1],
  );
  text += `Read in ${seconds.toFixed(1)} s${rate}.\n`;
  if (summary.rejectedExamples.length > 0) {
    text += `\nRejected rows (first ${summary.rejectedExamples.length} of ${n(summary.rejected)}):\n`;
    for (const row of summary.rejectedExamples) text += `  ${row.file}:${row.line}: ${row.reason}\n`;
  }
  if (output) text += `\nWrote ${output} (${n(summary.imported)} postcodes).\n`;
  return text;
}
