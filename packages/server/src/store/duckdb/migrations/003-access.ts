/**
 * Access control: key scopes, dashboard accounts with per-tenant roles, their sessions and login
 * attempts, the keys apps sign viewer tokens with, guardianships and the consent history.
 */

export const sql = `
ALTER TABLE api_keys ADD COLUMN scopes JSON;

UPDATE api_keys SET scopes = CASE kind
  WHEN 'admin' THEN '["aggregates:read","subjects:read","subjects:manage","keys:manage","retention:manage","rights:request","audit:read"]'
  WHEN 'read' THEN '["aggregates:read"]'
  ELSE '[]' END;

CREATE TABLE accounts (
  id VARCHAR PRIMARY KEY,
  email VARCHAR NOT NULL UNIQUE,
  password_hash VARCHAR NOT NULL,
  must_change_password BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  password_changed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
  account_id VARCHAR NOT NULL,
  tenant_id VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account_id, tenant_id)
);

CREATE TABLE account_sessions (
  id VARCHAR PRIMARY KEY,
  account_id VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
);

CREATE TABLE login_attempts (
  attempted_at TIMESTAMPTZ NOT NULL,
  email_key VARCHAR NOT NULL,
  account_id VARCHAR,
  outcome VARCHAR NOT NULL
);

CREATE TABLE viewer_token_keys (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  alg VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  secret_sealed BLOB,
  public_key VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
);

CREATE TABLE guardianships (
  tenant_id VARCHAR NOT NULL,
  guardian_subject_id VARCHAR NOT NULL,
  learner_subject_id VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, guardian_subject_id, learner_subject_id)
);

CREATE TABLE consents (
  id VARCHAR PRIMARY KEY,
  tenant_id VARCHAR NOT NULL,
  subject_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  method VARCHAR,
  given_at TIMESTAMPTZ,
  recorded_at TIMESTAMPTZ NOT NULL,
  recorded_by VARCHAR NOT NULL
);
`;
