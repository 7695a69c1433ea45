/** Control plane and events plane of the walking skeleton. */

export const sql = `
CREATE TABLE tenants (
  id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL,
  settings JSON NOT NULL
);

CREATE TABLE api_keys (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  prefix VARCHAR NOT NULL UNIQUE,
  hash VARCHAR NOT NULL,
  allowed_origins JSON NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  last_used_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ
);

CREATE TABLE subjects (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  pseudonym VARCHAR NOT NULL,
  kind VARCHAR NOT NULL DEFAULT 'learner',
  age_band VARCHAR,
  consent_state VARCHAR NOT NULL DEFAULT 'unknown',
  created_at TIMESTAMPTZ NOT NULL,
  erased_at TIMESTAMPTZ,
  UNIQUE (tenant_id, pseudonym)
);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  recorded_at TIMESTAMPTZ NOT NULL,
  tenant_id VARCHAR,
  actor VARCHAR NOT NULL,
  action VARCHAR NOT NULL,
  target VARCHAR,
  details JSON NOT NULL,
  prev_hash VARCHAR NOT NULL,
  hash VARCHAR NOT NULL
);

CREATE TABLE salts (
  day DATE PRIMARY KEY,
  salt BLOB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE events (
  id UUID NOT NULL,
  tenant_id VARCHAR NOT NULL,
  occurred_at TIMESTAMPTZ NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  category VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  subject_id VARCHAR,
  session_id VARCHAR,
  anonymous_id VARCHAR,
  page_path VARCHAR,
  page_title VARCHAR,
  referrer_host VARCHAR,
  duration_ms INTEGER,
  load_time_ms INTEGER,
  props JSON,
  browser VARCHAR,
  os VARCHAR,
  device_type VARCHAR,
  locale VARCHAR,
  ip_prefix VARCHAR,
  dedupe_key UBIGINT,
  anonymized_at TIMESTAMPTZ
);

CREATE TABLE sessions (
  id VARCHAR PRIMARY KEY,
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
  anonymized_at TIMESTAMPTZ
);

CREATE TABLE error_events (
  id UUID NOT NULL,
  event_id UUID NOT NULL,
  tenant_id VARCHAR NOT NULL,
  occurred_at TIMESTAMPTZ NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  subject_id VARCHAR,
  session_id VARCHAR,
  error_type VARCHAR NOT NULL,
  message VARCHAR,
  stack VARCHAR,
  component VARCHAR,
  endpoint VARCHAR,
  status INTEGER,
  page_path VARCHAR,
  browser VARCHAR,
  os VARCHAR,
  anonymized_at TIMESTAMPTZ
);

CREATE TABLE learning_events (
  id UUID NOT NULL,
  event_id UUID NOT NULL,
  tenant_id VARCHAR NOT NULL,
  occurred_at TIMESTAMPTZ NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  subject_id VARCHAR,
  session_id VARCHAR,
  type VARCHAR NOT NULL,
  course VARCHAR,
  activity VARCHAR,
  subject_area VARCHAR,
  score DOUBLE,
  max_score DOUBLE,
  goal_id VARCHAR,
  goal_baseline DOUBLE,
  goal_current DOUBLE,
  goal_target DOUBLE,
  anonymized_at TIMESTAMPTZ
);
`;
