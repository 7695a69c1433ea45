import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryTables } from '../../src/privacy/inventory.ts';
import { verifyErased } from '../../src/rights/verification.ts';
import type { ExportFiles } from '../../src/rights/export-files.ts';
import type { Db } from '../../src/store/duckdb/connection.ts';
import { createDuckDbStore, type DuckDbStore } from '../../src/store/duckdb/index.ts';
import { createDuckDbRightsStore, searchOf } from '../../src/store/duckdb/rights-store.ts';
import { tempDataDir } from '../helpers/harness.ts';

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

describe('verification scan of the write-ahead log', () => {
  const dir = tempDataDir();
  let fileStore: DuckDbStore;
  let conn: Db;
  const noFiles = { root: dir, walk: async () => [] } as unknown as ExportFiles;
  /** A person with one event, written after the last checkpoint: the log holds both rows as written. */
  const plant = async (subjectId: string) => {
    await conn.run(`INSERT INTO subjects (id, tenant_id, pseudonym, kind, consent_state, created_at) VALUES ('${subjectId}', 't1', 'pseudo-${subjectId}', 'learner', 'granted', now())`);
    await conn.run(`INSERT INTO events (id, tenant_id, occurred_at, received_at, category, type, subject_id) VALUES (uuid(), 't1', now(), now(), 'navigation', 'page_view', '${subjectId}')`);
  };
  beforeAll(async () => {
    fileStore = await createDuckDbStore(dir);
    conn = await fileStore.connect();
    await conn.run('CHECKPOINT');
  });
  afterAll(async () => {
    await fileStore?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds values the log holds: rows written since the last checkpoint are there as written', async () => {
    await plant('subject-in-log-1');
    const scan = await fileStore.rights.scan(['subject-in-log-1', 'pseudo-subject-in-log-1']);
    expect(scan.logFiles).toBe(1);
    expect(scan.logFindings).toEqual([{ file: 'ebb.duckdb.wal', needle: 0 }, { file: 'ebb.duckdb.wal', needle: 1 }]);
  });

  it('after an erasure, finds nothing in the tables nor in the log: the checkpoint emptied it', async () => {
    await plant('subject-erased-2');
    const deleted = await fileStore.rights.eraseSubject('t1', 'subject-erased-2');
    expect(deleted).toMatchObject({ events: 1, subjects: 1 });
    const scan = await fileStore.rights.scan(['subject-erased-2', 'pseudo-subject-erased-2']);
    expect(scan.findings).toEqual([]);
    expect(scan.logFindings).toEqual([]);
  });

  it('tries the checkpoint again when DuckDB refuses it for a moment', async () => {
    const real = await fileStore.connect();
    let refused = 0;
    const flaky = { run: async (sql: string) => { if (refused++ < 2) throw new Error('Cannot CHECKPOINT: there are other write transactions active'); return real.run(sql); } } as unknown as Db;
    const store = createDuckDbRightsStore(await fileStore.connect(), { checkpointDb: flaky, file: path.join(dir, 'ebb.duckdb') });
    await plant('subject-retried-4');
    await store.eraseSubject('t1', 'subject-retried-4');
    const scan = await store.scan(['subject-retried-4']);
    expect(refused).toBe(3);
    expect(scan.logFindings).toEqual([]);
  });

  it('fails the verification, naming the log, when the checkpoint did not happen', async () => {
    // The same store without a working checkpoint (as when DuckDB refuses one): the deleted rows stay in the log.
    const noCheckpoint = { run: async () => undefined } as unknown as Db;
    const store = createDuckDbRightsStore(await fileStore.connect(), { checkpointDb: noCheckpoint, file: path.join(dir, 'ebb.duckdb') });
    await plant('subject-left-3');
    await store.eraseSubject('t1', 'subject-left-3');
    const report = await verifyErased({ store, files: noFiles }, [{ label: 'internal subject id', value: 'subject-left-3' }, { label: 'pseudonym', value: 'pseudo-subject-left-3' }], []);
    expect(report.clean).toBe(false);
    expect(report.logFilesScanned).toBe(1);
    expect(report.leftovers).toEqual([
      { where: 'write-ahead log ebb.duckdb.wal', what: 'internal subject id' },
      { where: 'write-ahead log ebb.duckdb.wal', what: 'pseudonym' },
    ]);
  });
});
