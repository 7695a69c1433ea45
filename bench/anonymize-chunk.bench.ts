/**
 * Where one retention chunk's time goes: the statements the retention job runs to anonymise 1M
 * events (a quarter with an identifying property key), timed one by one on a file-backed DuckDB.
 * The SQL has the same shape as the lifecycle store's (property keys first, then identifiers).
 * Prints one JSON line.
 *
 *   node --import tsx bench/anonymize-chunk.bench.ts [--rows 1000000]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDENTIFYING_PROP_KEY } from '../packages/server/src/privacy/inventory.ts';

const i = process.argv.indexOf('--rows');
const ROWS = i >= 0 ? Number(process.argv[i + 1]) : 1_000_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ebb-bench-chunk-'));
const instance = await DuckDBInstance.create(path.join(dir, 'chunk.duckdb'));
const c = await instance.connect();
await c.run(`CREATE TABLE events (id UUID NOT NULL, tenant_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL, subject_id VARCHAR, session_id VARCHAR,
  anonymous_id VARCHAR, page_path VARCHAR, props JSON, ip_prefix VARCHAR, anonymized_at TIMESTAMPTZ)`);
await c.run(`INSERT INTO events SELECT uuid(), 't1', TIMESTAMPTZ '2023-01-01' + INTERVAL (i * 9) SECOND, 's_' || CAST(hash(i // 40) % 50000 AS VARCHAR),
  'ss_' || CAST(i // 8 AS VARCHAR), CASE WHEN i % 3 = 0 THEN 'a_' || CAST(hash(i // 40) % 70000 AS VARCHAR) END, '/quests/' || CAST(i % 300 AS VARCHAR),
  CASE WHEN i % 4 = 0 THEN '{"quest_id":"q' || CAST(i % 300 AS VARCHAR) || '","friend_id":"s_x","step":3}' WHEN i % 4 = 1 THEN '{"step":1}' END,
  '198.51.' || CAST(i % 200 AS VARCHAR) || '.0/24', NULL FROM range(${ROWS}) r(i)`);
await c.run('CHECKPOINT');

const key = IDENTIFYING_PROP_KEY.source;
const keys = `list_filter(json_keys(props), lambda k: regexp_matches(k, '(?i)${key}'))`;
const text = `(?i)("${key.replace(/^\^/, '').replace(/\$$/, '')}"\\s*:|\\\\u)`;
const has = `(props IS NOT NULL AND regexp_matches(props, '${text}') AND len(${keys}) > 0)`;
const without = `json_merge_patch(props, to_json(map_from_entries(list_transform(${keys}, lambda k: {'k': k, 'v': NULL::JSON}))))`;
const due = `tenant_id = 't1' AND occurred_at <= TIMESTAMPTZ '2030-01-01' AND anonymized_at IS NULL`;

const timed = async (sql: string) => {
  const t0 = performance.now();
  await c.run(sql);
  return Math.round(performance.now() - t0);
};
await c.run('BEGIN');
const props_ms = await timed(`UPDATE events SET props = ${without} WHERE ${due} AND ${has}`);
const identifiers_ms = await timed(`UPDATE events SET subject_id = NULL, session_id = NULL, anonymous_id = NULL, ip_prefix = NULL, anonymized_at = now() WHERE ${due}`);
const commit_ms = await timed('COMMIT');
c.closeSync();
instance.closeSync();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ bench: 'anonymize-chunk', rows: ROWS, props_ms, identifiers_ms, commit_ms, total_ms: props_ms + identifiers_ms + commit_ms })}\n`);
