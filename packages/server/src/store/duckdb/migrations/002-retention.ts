/**
 * Retention: a policy per tenant and data category, legal holds that suspend it, and the table
 * of tracked privacy work (retention runs now; exports, erasures and ETL runs use it too).
 * No secondary indexes: these tables stay small, and DuckDB updates of indexed columns are costly.
 */

export const sql = `
CREATE TABLE retention_policies (
  tenant_id VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  anonymize_after_days INTEGER NOT NULL,
  delete_after_days INTEGER NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  updated_by VARCHAR NOT NULL,
  PRIMARY KEY (tenant_id, category)
);

CREATE TABLE legal_holds (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  scope VARCHAR NOT NULL,
  subject_id VARCHAR,
  pseudonym VARCHAR,
  reason VARCHAR NOT NULL,
  placed_by VARCHAR NOT NULL,
  placed_at TIMESTAMPTZ NOT NULL,
  released_by VARCHAR,
  released_at TIMESTAMPTZ
);

CREATE TABLE privacy_jobs (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR,
  kind VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  requester VARCHAR NOT NULL,
  subject_id VARCHAR,
  params JSON NOT NULL,
  grace_deadline TIMESTAMPTZ,
  result JSON,
  file VARCHAR,
  file_deleted_at TIMESTAMPTZ,
  expires_at TIMESTAMPTZ,
  error VARCHAR,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL,
  started_at TIMESTAMPTZ,
  finished_at TIMESTAMPTZ
);
`;
