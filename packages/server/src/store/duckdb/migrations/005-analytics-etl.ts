/**
 * Analytics ETL: aggregate tables with privacy metadata, the ETL run log, differentially private
 * releases (computed once, re-served as stored), and the per-tenant privacy budget and ledger.
 *
 * Aggregate rows are per day (or per week) in the time zone the ETL ran in. Rows with
 * aggregation_level 'learner' carry the learner's subject_id and are personal data (retention and
 * erasure reach them by that column); every other row is about a group.
 */

export const sql = `
CREATE TABLE session_aggregates (
  tenant_id VARCHAR NOT NULL,
  day DATE NOT NULL,
  time_zone VARCHAR NOT NULL,
  aggregation_level VARCHAR NOT NULL,
  subject_id VARCHAR,
  session_count BIGINT NOT NULL,
  total_duration_s BIGINT NOT NULL,
  avg_duration_s DOUBLE,
  median_duration_s DOUBLE,
  max_duration_s BIGINT,
  privacy_level VARCHAR NOT NULL,
  epsilon VARCHAR NOT NULL,
  cohort_size INTEGER NOT NULL,
  etl_run_id VARCHAR NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL,
  anonymized_at TIMESTAMPTZ
);

CREATE TABLE mastery_aggregates (
  tenant_id VARCHAR NOT NULL,
  day DATE NOT NULL,
  time_zone VARCHAR NOT NULL,
  aggregation_level VARCHAR NOT NULL,
  subject_id VARCHAR,
  subject_area VARCHAR NOT NULL,
  assessments_completed BIGINT NOT NULL,
  avg_score_pct DOUBLE,
  last_score_pct DOUBLE,
  privacy_level VARCHAR NOT NULL,
  epsilon VARCHAR NOT NULL,
  cohort_size INTEGER NOT NULL,
  etl_run_id VARCHAR NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL,
  anonymized_at TIMESTAMPTZ
);

CREATE TABLE weekly_active_aggregates (
  tenant_id VARCHAR NOT NULL,
  week_start DATE NOT NULL,
  time_zone VARCHAR NOT NULL,
  aggregation_level VARCHAR NOT NULL,
  active_learners BIGINT NOT NULL,
  new_learners BIGINT NOT NULL,
  returning_learners BIGINT NOT NULL,
  churned_learners BIGINT NOT NULL,
  total_sessions BIGINT NOT NULL,
  total_minutes BIGINT NOT NULL,
  privacy_level VARCHAR NOT NULL,
  epsilon VARCHAR NOT NULL,
  cohort_size INTEGER NOT NULL,
  etl_run_id VARCHAR NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE iep_progress_aggregates (
  tenant_id VARCHAR NOT NULL,
  day DATE NOT NULL,
  time_zone VARCHAR NOT NULL,
  aggregation_level VARCHAR NOT NULL,
  subject_id VARCHAR,
  goal_id VARCHAR,
  goals BIGINT NOT NULL,
  baseline DOUBLE,
  current_value DOUBLE,
  target DOUBLE,
  progress_pct DOUBLE,
  on_track_goals BIGINT NOT NULL,
  privacy_level VARCHAR NOT NULL,
  epsilon VARCHAR NOT NULL,
  cohort_size INTEGER NOT NULL,
  etl_run_id VARCHAR NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL,
  anonymized_at TIMESTAMPTZ
);

CREATE TABLE page_view_daily (
  tenant_id VARCHAR NOT NULL,
  day DATE NOT NULL,
  time_zone VARCHAR NOT NULL,
  aggregation_level VARCHAR NOT NULL,
  page_path VARCHAR NOT NULL,
  views BIGINT NOT NULL,
  unique_visitors BIGINT NOT NULL,
  avg_load_ms DOUBLE,
  avg_time_on_page_ms DOUBLE,
  privacy_level VARCHAR NOT NULL,
  epsilon VARCHAR NOT NULL,
  cohort_size INTEGER NOT NULL,
  etl_run_id VARCHAR NOT NULL,
  computed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE etl_runs (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  job VARCHAR NOT NULL,
  period_start DATE NOT NULL,
  period_end DATE NOT NULL,
  time_zone VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  triggered_by VARCHAR NOT NULL,
  rows_in BIGINT,
  rows_out BIGINT,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  duration_ms BIGINT,
  error VARCHAR,
  details JSON
);

CREATE TABLE dp_releases (
  release_key VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  metric VARCHAR NOT NULL,
  level VARCHAR NOT NULL,
  time_zone VARCHAR NOT NULL,
  window_start DATE NOT NULL,
  window_end DATE NOT NULL,
  definition_version INTEGER NOT NULL,
  epsilon VARCHAR NOT NULL,
  delta VARCHAR NOT NULL,
  payload VARCHAR NOT NULL,
  released_at TIMESTAMPTZ NOT NULL,
  etl_run_id VARCHAR
);

CREATE TABLE privacy_budget (
  tenant_id VARCHAR PRIMARY KEY,
  level VARCHAR NOT NULL,
  window_cap_eps VARCHAR NOT NULL,
  delta_cap VARCHAR NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  updated_by VARCHAR NOT NULL
);

CREATE TABLE privacy_ledger (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  window_start TIMESTAMPTZ NOT NULL,
  window_end TIMESTAMPTZ NOT NULL,
  release_key VARCHAR NOT NULL UNIQUE,
  metric VARCHAR,
  epsilon VARCHAR NOT NULL,
  delta VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  committed_at TIMESTAMPTZ
);
`;
