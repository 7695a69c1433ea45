import { createReadStream } from 'node:fs';

/**
 * A small streaming CSV reader (RFC 4180: comma-separated, optional double quotes, "" inside
 * quotes for a quote, quoted fields may hold commas and line breaks; LF or CRLF line ends).
 * Enough for the public data sets Ebb validates against, without a dependency.
 */

/** Feeds chunks of text; calls `onRecord` with the fields of each complete record. */
export function createCsvParser(onRecord: (fields: string[]) => void): { write(chunk: string): void; end(): void } {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  // After a quote inside a quoted field: either "" (a literal quote) or the field's end.
  let quotePending = false;
  let skipLf = false; // the CR of a CRLF ended the record; drop the LF that follows
  let recordStarted = false;

  const endRecord = (): void => {
    fields.push(field);
    onRecord(fields);
    fields = [];
    field = '';
    recordStarted = false;
  };

  function write(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (skipLf) {
        skipLf = false;
        if (chunk.charCodeAt(i) === 10) { i++; continue; }
      }
      if (quotePending) {
        quotePending = false;
        if (chunk.charCodeAt(i) === 34) { field += '"'; i++; continue; }
        inQuotes = false;
      }
      if (inQuotes) {
        const q = chunk.indexOf('"', i);
        if (q === -1) { field += chunk.slice(i); return; }
        field += chunk.slice(i, q);
        i = q + 1;
        quotePending = true;
        continue;
      }
      // Unquoted: copy up to the next separator in one slice.
      let j = i;
      let c = 0;
      while (j < n) {
        c = chunk.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13 || c === 34) break;
        j++;
      }
      if (j > i) { field += chunk.slice(i, j); recordStarted = true; }
      if (j === n) return;
      i = j + 1;
      recordStarted = true;
      if (c === 44) { fields.push(field); field = ''; }
      else if (c === 34) inQuotes = true;
      else { endRecord(); if (c === 13) skipLf = true; }
    }
  }

  function end(): void {
    // A last line without a line break still counts; an empty trailing line does not.
    if (recordStarted || fields.length > 0 || field !== '') endRecord();
  }

  return { write, end };
}

/** One row, valid only during the callback that receives it (the reader reuses it). */
export interface CsvRow {
  /** The field under `column`; throws if the file has no such column. */
  get(column: string): string;
}

/**
 * Streams a CSV file whose first record is the header, calling `onRow` for every other record.
 * Resolves with the number of data rows.
 */
export async function readCsv(path: string, onRow: (row: CsvRow) => void): Promise<number> {
  let columns: Map<string, number> | null = null;
  let current: string[] = [];
  let rows = 0;
  const row: CsvRow = {
    get(column) {
      const index = columns?.get(column);
      if (index === undefined) throw new Error(`${path} has no column "${column}".`);
      return current[index] ?? '';
    },
  };
  const parser = createCsvParser((fields) => {
    if (columns === null) {
      columns = new Map(fields.map((name, i) => [name.trim(), i]));
      return;
    }
    if (fields.length === 1 && fields[0] === '') return; // blank line
    current = fields;
    rows++;
    onRow(row);
  });
  let first = true;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    let text = chunk as string;
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
    first = false;
    parser.write(text);
  }
  parser.end();
  return rows;
}
