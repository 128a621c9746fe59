// A small RFC 4180 CSV reader for the shared data files (quoted fields, doubled quotes, CRLF or LF).

/** Parse CSV text into records keyed by the header row. Throws on a row with the wrong field count. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows = parseRows(text);
  const header = rows[0];
  if (!header) return [];
  return rows.slice(1).map((fields, i) => {
    if (fields.length !== header.length) {
      throw new Error(`CSV row ${i + 2} has ${fields.length} fields, the header has ${header.length}`);
    }
    const record: Record<string, string> = {};
    header.forEach((name, j) => {
      record[name] = fields[j]!;
    });
    return record;
  });
}

function parseRows(text: string): string[][] {
  const rows: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      rows.push(fields);
      fields = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    rows.push(fields);
  }
  return rows;
}
