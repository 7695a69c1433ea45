/**
 * Data-subject rights as tracked jobs: a job waiting for a retry (or for a legal hold to be
 * released) records the earliest time it may run again.
 */

export const sql = `
ALTER TABLE privacy_jobs ADD COLUMN run_after TIMESTAMPTZ;
`;
