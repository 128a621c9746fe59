// Weights and capacity files (functions/core/weights/) read through the one CSV module: a file, `-`
// for standard input, gzip, any delimiter it detects, or CSV text from a request body. The rows are
// checked by the core; this only reads them.
import type { Readable } from 'node:stream';
import { InvalidRequestError } from '../core/errors.js';
import { type CapacityTable, readCapacityTable } from '../core/weights/capacity.js';
import { readWeightsTable, type WeightsSpec, type WeightsTable } from '../core/weights/weights-table.js';
import { CsvFormatError, type InputSource, openInput, readCsv, textInput } from './csv.js';

/** A headed CSV's header and every row (weights and capacity files are small: a row per area or unit). */
async function readAll(source: InputSource): Promise<{ header: readonly string[]; rows: string[][] }> {
  try {
    const { header, batches } = await readCsv(source);
    const rows: string[][] = [];
    for await (const batch of batches()) for (const row of batch.rows) rows.push(row);
    return { header, rows };
  } finally {
    source.close();
  }
}

export async function readWeightsFile(
  file: string,
  spec: WeightsSpec,
  stdin?: Readable,
): Promise<WeightsTable> {
  const { header, rows } = await readAll(await openInput(file, stdin));
  return readWeightsTable(header, rows, spec);
}

export async function readCapacityFile(file: string, stdin?: Readable): Promise<CapacityTable> {
  const { header, rows } = await readAll(await openInput(file, stdin));
  return readCapacityTable(header, rows);
}

/** A weights file sent as text (the API's request body); unreadable CSV is an InvalidRequestError. */
export async function parseWeightsCsv(text: string, spec: WeightsSpec): Promise<WeightsTable> {
  const { header, rows } = await readText(text, 'the weights CSV');
  return readWeightsTable(header, rows, spec);
}

export async function parseCapacityCsv(text: string): Promise<CapacityTable> {
  const { header, rows } = await readText(text, 'the capacity CSV');
  return readCapacityTable(header, rows);
}

async function readText(text: string, name: string) {
  try {
    return await readAll(textInput(text, name));
  } catch (error) {
    if (error instanceof CsvFormatError) throw new InvalidRequestError(error.message, { line: error.line });
    throw error;
  }
}
