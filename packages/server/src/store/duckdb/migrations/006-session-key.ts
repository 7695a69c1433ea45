/**
 * Sessions get a 128-bit key (md5_number of the session id) as their primary key instead of the
 * id text. Anonymisation replaces a session's id (it can name a person), and DuckDB's index
 * deletes and re-inserts on long text keys were the slowest part of a retention run (about 30 s
 * per half a million sessions, against about 3 s with a 128-bit key). The id stays as a column,
 * still what events refer to. DuckDB cannot change a primary key in place: the table is rebuilt.
 */
export const sql = `
CREATE TABLE sessions_keyed (
  id VARCHAR NOT NULL,
  tenant_id VARCHAR NOT NULL,
  subject_id VARCHAR,
  anonymous_id VARCHAR,
  started_at TIMESTAMPTZ NOT NULL,
  ended_at TIMESTAMPTZ NOT NULL,
  duration_ms BIGINT NOT NULL,
  page_views INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  entry_page VARCHAR,
  exit_page VARCHAR,
  device_type VARCHAR,
  browser VARCHAR,
  os VARCHAR,
  anonymized_at TIMESTAMPTZ,
  key UHUGEINT PRIMARY KEY
);
INSERT INTO sessions_keyed SELECT *, md5_number(id) FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_keyed RENAME TO sessions;
`;
