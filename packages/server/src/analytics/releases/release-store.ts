/**
 * Where stored differentially private releases live. One row per release key: a metric of one
 * tenant at one level for one window (an ISO week, local dates in `timeZone`), its values as the
 * exact JSON text written once by the ETL, and the loss it was charged.
 */
export interface StoredReleaseRow {
  readonly releaseKey: string;
  readonly tenantId: string;
  readonly metric: string;
  readonly level: string;
  readonly timeZone: string;
  /** First day of the window, YYYY-MM-DD (local). */
  readonly windowStart: string;
  /** Day after the last day of the window, YYYY-MM-DD (local, exclusive). */
  readonly windowEnd: string;
  readonly definitionVersion: number;
  /** Loss of this release, exact text ("1/5"). */
  readonly epsilon: string;
  readonly delta: string;
  /** JSON array of ReleasedValue, stored as written and re-served as is. */
  readonly payload: string;
  readonly releasedAt: Date;
  readonly etlRunId: string | null;
}

export interface ReleaseWindowsQuery {
  readonly tenantId: string;
  readonly metric: string;
  readonly level: string;
  readonly timeZone: string;
  readonly windowStarts: readonly string[];
}

export interface ReleaseStore {
  /** The newest definition version of each asked window that has a release. */
  findWindows(q: ReleaseWindowsQuery): Promise<StoredReleaseRow[]>;
  get(releaseKey: string): Promise<StoredReleaseRow | null>;
  /** Inserts a release; a release key is written once (a second insert of the key fails). */
  insert(row: StoredReleaseRow): Promise<void>;
}
