import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { EbbError } from '../../core/errors.ts';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** A connection with the three calls the adapter needs, and a transaction helper. */
export interface Db {
  readonly raw: DuckDBConnection;
  run(sql: string, params?: Params): Promise<void>;
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  one<T extends Row = Row>(sql: string, params?: Params): Promise<T | null>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** JS arrays become DuckDB lists (bind them with a cast, e.g. `$2::VARCHAR[]`). */
function bindable(params: Params): Params {
  if (!Array.isArray(params)) return params;
  return params.map((p) => (Array.isArray(p) ? listValue(p as DuckDBValue[]) : p));
}

function wrap(raw: DuckDBConnection): Db {
  // DuckDB runs one statement at a time per connection; calls on one connection are queued here
  // so a transaction on it is never interleaved with another caller's statements.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
  let inTransaction = false;
  const exec = async (sql: string, params?: Params) => (params ? raw.run(sql, bindable(params)) : raw.run(sql));
  const db: Db = {
    raw,
    run: (sql, params) => (inTransaction ? exec(sql, params).then(() => undefined) : serial(() => exec(sql, params).then(() => undefined))),
    all: async <T extends Row>(sql: string, params?: Params) => {
      const go = async () => (await (params ? raw.runAndReadAll(sql, bindable(params)) : raw.runAndReadAll(sql))).getRowObjectsJS() as T[];
      return inTransaction ? go() : serial(go);
    },
    one: async <T extends Row>(sql: string, params?: Params) => (await db.all<T>(sql, params))[0] ?? null,
    transaction: <T>(fn: () => Promise<T>) =>
      serial(async () => {
        await raw.run('BEGIN TRANSACTION');
        inTransaction = true;
        try {
          const result = await fn();
          inTransaction = false;
          await raw.run('COMMIT');
          return result;
        } catch (e) {
          inTransaction = false;
          await raw.run('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }),
  };
  return db;
}

export interface DuckDbHandle {
  instance: DuckDBInstance;
  connect(): Promise<Db>;
  close(): void;
}

export async function openDuckDb(file: string): Promise<DuckDbHandle> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(msg)) {
      throw new EbbError('EBB_STORE_LOCKED', `Another process holds ${file}. Stop it, or run this command while "ebb serve" is running on this data directory so it is sent to the server.`, { cause: e });
    }
    throw e;
  }
  const connections: DuckDBConnection[] = [];
  return {
    instance,
    async connect() {
      const c = await instance.connect();
      connections.push(c);
      return wrap(c);
    },
    close() {
      for (const c of connections) c.closeSync();
      instance.closeSync();
    },
  };
}

export const micros = (d: Date): bigint => BigInt(d.getTime()) * 1000n;
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
