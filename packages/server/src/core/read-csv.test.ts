import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCsvParser, readCsv } from './read-csv.ts';

function parseInChunks(text: string, cuts: readonly number[]): string[][] {
  const records: string[][] = [];
  const parser = createCsvParser((fields) => records.push(fields));
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.write(text.slice(from, cut));
    from = cut;
  }
  parser.write(text.slice(from));
  parser.end();
  return records;
}

/** Writes records the way a careful CSV writer would: quote only when needed. */
function toCsv(records: readonly (readonly string[])[], eol: string): string {
  const quote = (f: string): string => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return records.map((r) => r.map(quote).join(',')).join(eol) + eol;
}

describe('createCsvParser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'a,"b, c","say ""hi""",\r\n"multi\nline",,"",x\n';
    expect(parseInChunks(text, [])).toEqual([
      ['a', 'b, c', 'say "hi"', ''],
      ['multi\nline', '', '', 'x'],
    ]);
  });

  it('keeps a last record without a line break and ignores nothing else', () => {
    expect(parseInChunks('h1,h2\n1,2', [])).toEqual([['h1', 'h2'], ['1', '2']]);
    expect(parseInChunks('', [])).toEqual([]);
    expect(parseInChunks('"x"', [])).toEqual([['x']]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é'), maxLength: 6 });
    const records = fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(records, fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 8 }), (rs, eol, rawCuts) => {
        const text = toCsv(rs, eol);
        const cuts = rawCuts.map((c) => c % (text.length + 1));
        expect(parseInChunks(text, cuts)).toEqual(rs);
      }),
    );
  });
});

describe('readCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ebb-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams rows by header name, skipping a byte-order mark and blank lines', async () => {
    const path = join(dir, 't.csv');
    writeFileSync(path, '\ufeff"id","name"\r\n"1","Ada, L."\r\n\r\n2,Bo\r\n');
    const rows: string[] = [];
    const n = await readCsv(path, (row) => rows.push(`${row.get('id')}:${row.get('name')}`));
    expect(rows).toEqual(['1:Ada, L.', '2:Bo']);
    expect(n).toBe(2);
    await expect(readCsv(path, (row) => row.get('nope'))).rejects.toThrow(/no column "nope"/);
  });
});
