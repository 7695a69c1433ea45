import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbStore, type DuckDbStore } from '../../src/store/duckdb/index.ts';
import { INVENTORY, inventoryTables, retentionGroups } from '../../src/privacy/inventory.ts';
import { DATA_CATEGORIES } from '../../src/lifecycle/retention-defaults.ts';

let store: DuckDbStore;
let schema: Map<string, string[]>;

beforeAll(async () => {
  store = await createDuckDbStore(':memory:');
  const db = await store.connect();
  const rows = await db.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
  );
  schema = new Map();
  for (const r of rows) schema.set(r.table_name, [...(schema.get(r.table_name) ?? []), r.column_name]);
});
afterAll(() => store?.close());

describe('privacy inventory', () => {
  it('decides every table of the schema', () => {
    const undecided = [...schema.keys()].filter((t) => !(t in INVENTORY));
    expect(undecided, 'tables missing from privacy/inventory.ts').toEqual([]);
  });

  it('decides every column of every table', () => {
    const missing: string[] = [];
    for (const [table, columns] of schema) {
      const entry = (INVENTORY as Record<string, { columns: Record<string, string> }>)[table];
      for (const c of columns) if (entry && !(c in entry.columns)) missing.push(`${table}.${c}`);
    }
    expect(missing, 'columns missing from privacy/inventory.ts').toEqual([]);
  });

  it('lists nothing that does not exist', () => {
    const stale: string[] = [];
    for (const [table, entry] of inventoryTables()) {
      const columns = schema.get(table);
      if (!columns) stale.push(table);
      else for (const c of Object.keys(entry.columns)) if (!columns.includes(c)) stale.push(`${table}.${c}`);
    }
    expect(stale, 'inventory entries with no table or column behind them').toEqual([]);
  });

  it('names a real subject and time column where it gives one', () => {
    for (const [table, entry] of inventoryTables()) {
      if (entry.subjectColumn) expect(entry.columns, `${table}.subjectColumn`).toHaveProperty(entry.subjectColumn);
      if (entry.timeColumn) expect(entry.columns, `${table}.timeColumn`).toHaveProperty(entry.timeColumn);
      if (entry.category !== null) expect(entry.timeColumn, `${table} has a retention category but no time column`).toBeDefined();
    }
  });

  it('groups the categories whose rows share events rows, and gives events a column naming each row\'s category', () => {
    expect(retentionGroups(DATA_CATEGORIES)).toEqual([
      ['events', 'learning_events', 'errors'], ['sessions'], ['aggregates'], ['request_logs'], ['export_files'],
    ]);
    const shared = inventoryTables().filter(([, e]) => e.eventIdColumn).map(([t]) => t);
    expect(shared.sort()).toEqual(['error_events', 'learning_events']);
    expect((INVENTORY.events as { categoryColumn?: string }).categoryColumn).toBe('data_category');
    expect(INVENTORY.events.columns.identifying_props).toBe('identifying');
  });
});
