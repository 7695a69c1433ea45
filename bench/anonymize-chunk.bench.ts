/**
 * Where one retention chunk's time goes: the statements the retention job runs to anonymise a
 * chunk of 1M events rows, timed one by one on a file-backed DuckDB, in two shapes on the same
 * data in one run:
 *
 * - `before` (the store up to commit 705d69b): the plain events of the chunk, found with an
 *   anti-join that keeps out the rows errors and learning milestones share (`id NOT IN (SELECT
 *   event_id ...)`), identifying property keys removed from the JSON `props` (a regular expression
 *   over every row's text, then a JSON rewrite of the matching rows), then the identifier UPDATE.
 *   (The errors' and milestones' events rows were separate passes, not timed here.)
 * - `now`: every events row of the chunk (plain, errors', milestones'), each by its own
 *   `data_category` and cutoff, counted per category and anonymised by one UPDATE that sets
 *   columns (`identifying_props` among them), plus the chunk's error and milestone rows.
 *
 * Rows as in bench/retention.bench.ts: every 50th event an error, every 20th a milestone, a
 * quarter with an identifying property key. Prints one JSON line.
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
// Two chunks of rows: the first in the old shape (identifying keys inside props), the second as ingest writes them now.
await c.run(`CREATE TABLE events (id UUID NOT NULL, tenant_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL, subject_id VARCHAR, session_id VARCHAR,
  anonymous_id VARCHAR, page_path VARCHAR, props JSON, ip_prefix VARCHAR, anonymized_at TIMESTAMPTZ, data_category VARCHAR, identifying_props JSON)`);
await c.run(`INSERT INTO events SELECT uuid(), 't1', TIMESTAMPTZ '2023-01-01' + INTERVAL (i * 9) SECOND, 's_' || CAST(hash(i // 40) % 50000 AS VARCHAR),
  'ss_' || CAST(i // 8 AS VARCHAR), CASE WHEN i % 3 = 0 THEN 'a_' || CAST(hash(i // 40) % 70000 AS VARCHAR) END, '/quests/' || CAST(i % 300 AS VARCHAR),
  CASE WHEN i % 4 = 0 AND i < ${ROWS} THEN '{"quest_id":"q' || CAST(i % 300 AS VARCHAR) || '","friend_id":"p_x","step":3}'
       WHEN i % 4 = 0 THEN '{"quest_id":"q' || CAST(i % 300 AS VARCHAR) || '","step":3}' WHEN i % 4 = 1 THEN '{"step":1}' END,
  '198.51.' || CAST(i % 200 AS VARCHAR) || '.0/24', NULL,
  CASE WHEN i % 50 = 0 THEN 'errors' WHEN i % 20 = 1 THEN 'learning_events' ELSE 'events' END,
  CASE WHEN i % 4 = 0 AND i >= ${ROWS} THEN '{"friend_id":"p_x"}' END
  FROM range(${2 * ROWS}) r(i)`);
for (const t of ['error_events', 'learning_events']) {
  await c.run(`CREATE TABLE ${t} (id UUID, event_id UUID, tenant_id VARCHAR, occurred_at TIMESTAMPTZ, subject_id VARCHAR, session_id VARCHAR, anonymized_at TIMESTAMPTZ)`);
  await c.run(`INSERT INTO ${t} SELECT uuid(), id, tenant_id, occurred_at, subject_id, session_id, NULL FROM events WHERE data_category = '${t === 'error_events' ? 'errors' : 'learning_events'}'`);
}
await c.run('CHECKPOINT');

const key = IDENTIFYING_PROP_KEY.source;
const keys = `list_filter(json_keys(props), lambda k: regexp_matches(k, '(?i)${key}'))`;
const text = `(?i)("${key.replace(/^\^/, '').replace(/\$$/, '')}"\\s*:|\\\\u)`;
const has = `(props IS NOT NULL AND regexp_matches(props, '${text}') AND len(${keys}) > 0)`;
const without = `json_merge_patch(props, to_json(map_from_entries(list_transform(${keys}, lambda k: {'k': k, 'v': NULL::JSON}))))`;
const chunk = (n: number) => `occurred_at >= TIMESTAMPTZ '2023-01-01' + INTERVAL (${n * ROWS * 9}) SECOND AND occurred_at < TIMESTAMPTZ '2023-01-01' + INTERVAL (${(n + 1) * ROWS * 9}) SECOND`;
const due = (n: number) => `tenant_id = 't1' AND occurred_at <= TIMESTAMPTZ '2030-01-01' AND anonymized_at IS NULL AND ${chunk(n)}`;

const timed = async (sql: string) => {
  const t0 = performance.now();
  await c.run(sql);
  return Math.round(performance.now() - t0);
};

// Before: plain events only, with the anti-join, property keys from the JSON text, then the identifiers.
const plain = `${due(0)} AND id NOT IN (SELECT x0.event_id FROM error_events x0 WHERE x0.tenant_id = 't1') AND id NOT IN (SELECT x1.event_id FROM learning_events x1 WHERE x1.tenant_id = 't1')`;
await c.run('BEGIN');
const props_ms = await timed(`UPDATE events SET props = ${without} WHERE ${plain} AND ${has}`);
const identifiers_ms = await timed(`UPDATE events SET subject_id = NULL, session_id = NULL, anonymous_id = NULL, ip_prefix = NULL, anonymized_at = now() WHERE ${plain}`);
const commit_ms = await timed('COMMIT');
const before = { rows: 'plain events only', props_ms, identifiers_ms, commit_ms, total_ms: props_ms + identifiers_ms + commit_ms };

// Now: every events row of the chunk by its own category, one count and one UPDATE, and the chunk's error and milestone rows.
const anyCategory = `(${['events', 'errors', 'learning_events'].map((k) => `(${due(1)} AND data_category = '${k}')`).join(' OR ')})`;
await c.run('BEGIN');
const count_ms = await timed(`SELECT data_category, count(*) FROM events WHERE ${anyCategory} GROUP BY ALL`);
const update_ms = await timed(`UPDATE events SET subject_id = NULL, session_id = NULL, anonymous_id = NULL, ip_prefix = NULL, identifying_props = NULL, anonymized_at = now() WHERE ${anyCategory}`);
const shared_ms = await timed(`UPDATE error_events SET subject_id = NULL, session_id = NULL, anonymized_at = now() WHERE ${due(1)}`)
  + await timed(`UPDATE learning_events SET subject_id = NULL, session_id = NULL, anonymized_at = now() WHERE ${due(1)}`);
const commitNow_ms = await timed('COMMIT');
const now = { rows: 'every events row, with its error and milestone rows', count_ms, update_ms, shared_ms, commit_ms: commitNow_ms, total_ms: count_ms + update_ms + shared_ms + commitNow_ms };

const left = await c.runAndReadAll(`SELECT count(*) FILTER (WHERE ${chunk(1)} AND (anonymized_at IS NULL OR identifying_props IS NOT NULL)) FROM events`);
c.closeSync();
instance.closeSync();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ bench: 'anonymize-chunk', rows: ROWS, before, now, left_in_now_chunk: Number(left.getRows()[0]![0]) })}\n`);
