import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryTables } from '../../src/privacy/inventory.ts';
import { createDuckDbStore, type DuckDbStore } from '../../src/store/duckdb/index.ts';
import { searchOf } from '../../src/store/duckdb/rights-store.ts';

/**
 * The verification scan after an erasure is the proof that nothing is left: planted in any column
 * of any inventory table that can hold text, a value must be found there, whatever the column's
 * type; only comparisons the type rules out (a UUID column, a value that is not a UUID) and
 * columns that cannot hold text are left out, and the scan says so.
 */
const PLAIN = 'p_plantedValue-7731';
const UUID = '0190f3c2-5b1e-7a4d-9c2b-3e4f5a6b7c8d';

let store: DuckDbStore;
let db: Awaited<ReturnType<DuckDbStore['connect']>>;
let columns: Map<string, Array<{ name: string; type: string }>>;
let n = 0;

/** A value for every column of a row, unique where a key needs it; `planted` gives one column its own. */
const filler = (type: string): string => {
  n++;
  if (type === 'VARCHAR') return `'f${n}'`;
  if (type === 'JSON') return `'{"f": ${n}}'`;
  if (type === 'UUID') return 'uuid()';
  if (type === 'BLOB') return `'\\x00\\x01f${n}'::BLOB`;
  if (type === 'BOOLEAN') return 'false';
  if (type === 'DATE') return `DATE '2001-01-01' + ${n}`;
  if (type.startsWith('TIMESTAMP')) return `TIMESTAMPTZ '2001-01-01 00:00:00+00' + to_seconds(${n})`;
  return `${n}`;
};

/** The planted value as a column of the type holds it: the whole value, inside a document, among bytes. */
const planted = (type: string): string => {
  if (type === 'VARCHAR') return `'${PLAIN}'`;
  if (type === 'UUID') return `'${UUID}'`;
  if (type === 'BLOB') return `'\\x00\\xFF${PLAIN}\\x00'::BLOB`;
  if (type === 'JSON') return `'{"note": {"of": ["x", "${PLAIN}"]}}'`;
  throw new Error(`no planted form for ${type}`);
};

const insert = (table: string, cols: Array<{ name: string; type: string }>, value: (c: { name: string; type: string }) => string) =>
  db.run(`INSERT INTO "${table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(value).join(', ')})`);

beforeAll(async () => {
  store = await createDuckDbStore(':memory:');
  db = await store.connect();
  const rows = await db.all<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
  );
  columns = new Map();
  for (const r of rows) columns.set(r.table_name, [...(columns.get(r.table_name) ?? []), { name: r.column_name, type: r.data_type }]);
});
afterAll(() => store?.close());

describe('verification scan', () => {
  it('knows every column type of the schema: what it searches, and what cannot hold text', () => {
    const types = new Set([...columns.values()].flat().map((c) => c.type));
    const searched = [...types].filter((t) => searchOf(t) !== null).sort();
    expect(searched).toEqual(['BLOB', 'JSON', 'UUID', 'VARCHAR']);
    // Unknown or nested types are searched by their text rather than left out.
    expect(searchOf('VARCHAR[]')).toBe('inside');
    expect(searchOf('STRUCT(a VARCHAR)')).toBe('inside');
    expect(searchOf("ENUM('a', 'b')")).toBe('inside');
    expect(searchOf('UHUGEINT')).toBeNull();
    expect(searchOf('TIMESTAMP WITH TIME ZONE')).toBeNull();
  });

  it('finds a value planted in any column of any inventory table that can hold it, and nowhere else', async () => {
    const expected: string[] = [];
    for (const [table] of inventoryTables()) {
      const cols = columns.get(table) ?? [];
      for (const target of cols.filter((c) => searchOf(c.type) !== null)) {
        await insert(table, cols, (c) => (c === target ? planted(c.type) : filler(c.type)));
        expected.push(`${table}.${target.name}#${target.type === 'UUID' ? 1 : 0}`);
      }
    }
    expect(expected.length).toBeGreaterThan(150);
    const scan = await store.rights.scan([PLAIN, UUID]);
    const found = scan.findings.map((f) => `${f.table}.${f.column}#${f.needle}`).sort();
    expect(found).toEqual(expected.sort());
    expect(scan.findings.every((f) => f.rows === 1)).toBe(true);
    // Every column that can hold text was searched; the rest counted.
    const all = [...inventoryTables()].flatMap(([table]) => columns.get(table) ?? []);
    expect(scan.columnsSearched).toBe(all.filter((c) => searchOf(c.type) !== null).length);
    expect(scan.columnsWithoutText).toBe(all.filter((c) => searchOf(c.type) === null).length);
    // UUID columns were left out for the value that is not a UUID, and only for it.
    const uuidColumns = [...inventoryTables()].flatMap(([table]) => (columns.get(table) ?? []).filter((c) => c.type === 'UUID').map((c) => `${table}.${c.name}`));
    expect(uuidColumns.length).toBeGreaterThan(0);
    expect(scan.notSearched.map((s) => `${s.table}.${s.column}#${s.needle}`).sort()).toEqual(uuidColumns.map((c) => `${c}#0`).sort());
  });

  it('compares UUID columns as UUIDs, in any letter case', async () => {
    const scan = await store.rights.scan([UUID.toUpperCase()]);
    const uuidColumns = [...inventoryTables()].flatMap(([table]) => (columns.get(table) ?? []).filter((c) => c.type === 'UUID').map((c) => `${table}.${c.name}`));
    expect(scan.findings.filter((f) => uuidColumns.includes(`${f.table}.${f.column}`)).map((f) => `${f.table}.${f.column}`).sort()).toEqual(uuidColumns.sort());
    expect(scan.notSearched).toEqual([]);
  });

  it('finds a value among the bytes of a BLOB only where it starts on a whole byte', async () => {
    // hex('Q') = 51; the bytes 0x05 0x10 read "0510", which holds "51" across a byte boundary, not the byte 'Q'.
    await db.run(`INSERT INTO salts (day, salt, created_at) VALUES (DATE '1990-01-01', '\\x05\\x10'::BLOB, now())`);
    expect((await store.rights.scan(['Q'])).findings.filter((f) => f.table === 'salts')).toEqual([]);
    await db.run(`INSERT INTO salts (day, salt, created_at) VALUES (DATE '1990-01-02', '\\x05\\x10Q'::BLOB, now())`);
    expect((await store.rights.scan(['Q'])).findings.filter((f) => f.table === 'salts')).toEqual([{ table: 'salts', column: 'salt', needle: 0, rows: 1 }]);
  });
});
