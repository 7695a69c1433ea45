/** One ETL step's run over a tenant's period, as recorded in `etl_runs`. */
export type EtlJobName = 'session' | 'mastery' | 'weekly_active' | 'iep' | 'page_views' | 'releases';
export const ETL_JOB_NAMES: readonly EtlJobName[] = ['session', 'mastery', 'weekly_active', 'iep', 'page_views', 'releases'];

export type EtlRunStatus = 'running' | 'succeeded' | 'failed';
export const ETL_RUN_STATUSES: readonly EtlRunStatus[] = ['running', 'succeeded', 'failed'];

export type EtlTrigger = 'schedule' | 'cli' | 'api';

export interface EtlRunRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly job: EtlJobName;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly timeZone: string;
  readonly status: EtlRunStatus;
  readonly triggeredBy: EtlTrigger;
  readonly rowsIn: number | null;
  readonly rowsOut: number | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly details: Record<string, unknown> | null;
}

export interface EtlRunStore {
  start(run: Pick<EtlRunRecord, 'id' | 'tenantId' | 'job' | 'periodStart' | 'periodEnd' | 'timeZone' | 'triggeredBy' | 'startedAt'>): Promise<void>;
  finish(id: string, outcome: Pick<EtlRunRecord, 'status' | 'rowsIn' | 'rowsOut' | 'finishedAt' | 'durationMs' | 'error' | 'details'>): Promise<void>;
  /** Newest first. */
  list(q: { tenantId: string; status?: EtlRunStatus; limit: number }): Promise<EtlRunRecord[]>;
}
