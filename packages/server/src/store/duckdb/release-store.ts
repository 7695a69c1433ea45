import { listValue } from '@duckdb/node-api';
import type { Db, Row } from './connection.ts';
import type { ReleaseStore, StoredReleaseRow } from '../../analytics/releases/release-store.ts';

const day = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

const toRow = (r: Row): StoredReleaseRow => ({
  releaseKey: String(r.release_key),
  tenantId: String(r.tenant_id),
  metric: String(r.metric),
  level: String(r.level),
  timeZone: String(r.time_zone),
  windowStart: day(r.window_start),
  windowEnd: day(r.window_end),
  definitionVersion: Number(r.definition_version),
  epsilon: String(r.epsilon),
  delta: String(r.delta),
  payload: String(r.payload),
  releasedAt: r.released_at instanceof Date ? r.released_at : new Date(String(r.released_at)),
  etlRunId: r.etl_run_id == null ? null : String(r.etl_run_id),
});

const COLUMNS = `release_key, tenant_id, metric, level, time_zone, strftime(window_start, '%Y-%m-%d') AS window_start,
  strftime(window_end, '%Y-%m-%d') AS window_end, definition_version, epsilon, delta, payload, released_at, etl_run_id`;

/** Stored DP releases in `dp_releases`. */
export function createDuckDbReleaseStore(db: Db): ReleaseStore {
  return {
    async findWindows(q) {
      if (q.windowStarts.length === 0) return [];
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM dp_releases
         WHERE tenant_id = $1 AND metric = $2 AND level = $3 AND time_zone = $4 AND window_start = ANY($5::DATE[])
         QUALIFY row_number() OVER (PARTITION BY window_start ORDER BY definition_version DESC) = 1
         ORDER BY window_start`,
        [q.tenantId, q.metric, q.level, q.timeZone, listValue([...q.windowStarts])],
      );
      return rows.map(toRow);
    },
    async get(releaseKey) {
      const r = await db.one(`SELECT ${COLUMNS} FROM dp_releases WHERE release_key = $1`, [releaseKey]);
      return r ? toRow(r) : null;
    },
    async insert(row) {
      await db.run(
        `INSERT INTO dp_releases VALUES ($1, $2, $3, $4, $5, $6::DATE, $7::DATE, $8, $9, $10, $11, $12::TIMESTAMPTZ, $13)`,
        [row.releaseKey, row.tenantId, row.metric, row.level, row.timeZone, row.windowStart, row.windowEnd, row.definitionVersion,
          row.epsilon, row.delta, row.payload, row.releasedAt.toISOString(), row.etlRunId],
      );
    },
  };
}
