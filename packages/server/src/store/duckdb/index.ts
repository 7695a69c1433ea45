import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDuckDb } from './connection.ts';
import { createDuckDbAccessStore } from './access-store.ts';
import { createDuckDbControlStore } from './control-store.ts';
import { createDuckDbEventStore } from './event-store.ts';
import { createDuckDbLifecycleStore } from './lifecycle-store.ts';
import { createDuckDbPrivacyJobStore } from './privacy-job-store.ts';
import { createDuckDbRetentionStore } from './retention-store.ts';
import { createDuckDbRightsStore } from './rights-store.ts';
import { migrate } from './migrate.ts';
import type { Store } from '../ports.ts';

export interface DuckDbStore extends Store {
  /** For adapter-level code (lifecycle passes, metric queries) that lives beside this adapter. */
  connect: () => ReturnType<Awaited<ReturnType<typeof openDuckDb>>['connect']>;
}

/** Opens (creating if needed) `ebb.duckdb` in the data directory and applies pending migrations.
 * Pass ':memory:' as dataDir for an in-memory store (tests). */
export async function createDuckDbStore(dataDir: string, now: Date = new Date()): Promise<DuckDbStore> {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = path.join(dataDir, 'ebb.duckdb');
  }
  const handle = await openDuckDb(file);
  const writeDb = await handle.connect();
  const controlDb = await handle.connect();
  const readDb = await handle.connect();
  // Retention work gets its own connections: long passes must not hold up ingest or the control plane.
  const privacyDb = await handle.connect();
  const lifecycleDb = await handle.connect();
  const lifecycleReadDb = await handle.connect();
  // Exports and erasures too: a tenant export must not hold up the control plane.
  const rightsDb = await handle.connect();
  const rightsCheckpointDb = await handle.connect();
  await migrate(controlDb, now);
  const rights = createDuckDbRightsStore(rightsDb, { checkpointDb: rightsCheckpointDb, file: file === ':memory:' ? undefined : file });
  return {
    events: createDuckDbEventStore(writeDb, readDb),
    control: createDuckDbControlStore(controlDb),
    access: createDuckDbAccessStore(controlDb),
    retention: createDuckDbRetentionStore(privacyDb),
    privacyJobs: createDuckDbPrivacyJobStore(privacyDb),
    lifecycle: createDuckDbLifecycleStore(lifecycleDb, lifecycleReadDb),
    rights,
    connect: () => handle.connect(),
    async close() {
      await rights.idle();
      handle.close();
    },
  };
}
