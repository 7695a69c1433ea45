/**
 * The inventory: every table Ebb stores, every column, and whether it holds personal data.
 * Retention, erasure, export and the verification scan all read this one list; a test fails
 * when the schema has a table or column that is not decided here.
 *
 * `identifying` columns link a row to a person (directly or through a pseudonym) and are
 * cleared by anonymisation; `personal` columns may describe a person's activity and go
 * with the row when it is deleted or exported; `none` columns hold no personal data.
 */
export type ColumnClass = 'identifying' | 'personal' | 'none';

/** Data categories, each with its own retention policy. */
export type DataCategory = 'events' | 'sessions' | 'learning_events' | 'errors' | 'aggregates' | 'request_logs' | 'export_files';

export interface TableEntry {
  /** The data category whose retention policy governs this table; null for control-plane tables. */
  category: DataCategory | null;
  /** Column that holds the subject's internal id (erasure and export find rows by it). */
  subjectColumn?: string;
  /** Further columns holding a subject's id, for rows that belong to two people (a guardian and a child). */
  otherSubjectColumns?: string[];
  /** Column whose age decides retention. */
  timeColumn?: string;
  /**
   * Column holding the id of the same event's row in `events`. That row follows this table's
   * category: it is anonymised and deleted together with this one, so the shared id never links
   * an anonymised row to one that still names a person.
   */
  eventIdColumn?: string;
  /**
   * What erasure does to the table's rows of the person (or tenant) erased: `delete` them (the
   * default); `unlink` them, clearing the identifying columns but keeping the row (records that
   * must outlive the person, such as the erasure job itself); `keep` them (the hash-chained audit
   * log, which holds internal ids only).
   */
  onErasure?: 'delete' | 'unlink' | 'keep';
  /**
   * Column naming the data category of each row, for a table whose rows follow different
   * policies: an `events` row shared with another table (eventIdColumn) is in that table's
   * category. Ingest writes it together with the rows that share the event.
   */
  categoryColumn?: string;
  /** Exports leave the table out (`never`: Ebb's own bookkeeping) or include it in tenant exports only. */
  exported?: 'never' | 'tenant';
  /** Columns exports leave out: keyed pseudonyms and internal bookkeeping that mean nothing to the reader. */
  notExportedColumns?: string[];
  /** How the table relates to personal data, in a sentence. */
  purpose: string;
  columns: Record<string, ColumnClass>;
}

export const INVENTORY = {
  tenants: {
    category: null,
    purpose: 'Tenants (apps) and their privacy settings. No personal data.',
    columns: { id: 'none', name: 'none', created_at: 'none', settings: 'none' },
  },
  api_keys: {
    category: null,
    exported: 'never',
    purpose: 'API keys, stored as SHA-256 hashes. No personal data.',
    columns: {
      id: 'none', tenant_id: 'none', kind: 'none', name: 'none', prefix: 'none', hash: 'none',
      allowed_origins: 'none', scopes: 'none', created_at: 'none', last_used_at: 'none', revoked_at: 'none',
    },
  },
  subjects: {
    category: null,
    subjectColumn: 'id',
    notExportedColumns: ['pseudonym'],
    purpose: 'One row per person: a keyed pseudonym of the app\'s user id, never the id itself. Removed on erasure.',
    columns: {
      id: 'identifying', tenant_id: 'none', pseudonym: 'identifying', kind: 'personal', age_band: 'personal',
      consent_state: 'personal', created_at: 'personal', erased_at: 'none',
    },
  },
  audit_log: {
    category: null,
    onErasure: 'keep',
    purpose: 'Hash-chained record of privacy actions. Holds internal ids and counts only, never raw identifiers.',
    columns: {
      seq: 'none', recorded_at: 'none', tenant_id: 'none', actor: 'none', action: 'none', target: 'none', details: 'none',
      prev_hash: 'none', hash: 'none',
    },
  },
  salts: {
    category: null,
    purpose: 'Daily random salts for cookieless visitor ids; deleted after 48 hours.',
    columns: { day: 'none', salt: 'none', created_at: 'none' },
  },
  schema_migrations: {
    category: null,
    purpose: 'Applied schema migrations.',
    columns: { version: 'none', name: 'none', applied_at: 'none' },
  },
  retention_policies: {
    category: null,
    purpose: 'Retention policy per tenant and data category (rows only where a tenant differs from the defaults). No personal data.',
    columns: {
      tenant_id: 'none', category: 'none', anonymize_after_days: 'none', delete_after_days: 'none', updated_at: 'none', updated_by: 'none',
    },
  },
  legal_holds: {
    category: null,
    subjectColumn: 'subject_id',
    exported: 'tenant',
    notExportedColumns: ['pseudonym'],
    purpose: 'Legal holds on a whole tenant or one subject (by pseudonym); retention leaves held data alone. The reason is free text written by staff.',
    columns: {
      id: 'none', tenant_id: 'none', scope: 'none', subject_id: 'identifying', pseudonym: 'identifying', reason: 'personal',
      placed_by: 'none', placed_at: 'none', released_by: 'none', released_at: 'none',
    },
  },
  privacy_jobs: {
    category: null,
    subjectColumn: 'subject_id',
    onErasure: 'unlink',
    exported: 'never',
    purpose: 'Tracked privacy work (retention runs, exports, erasures, ETL): state, counts, files. Export files follow the export_files policy.',
    columns: {
      id: 'none', tenant_id: 'none', kind: 'none', state: 'none', requester: 'none', subject_id: 'identifying', params: 'none',
      grace_deadline: 'none', result: 'none', file: 'none', file_deleted_at: 'none', expires_at: 'none', error: 'none',
      attempts: 'none', created_at: 'none', started_at: 'none', finished_at: 'none', run_after: 'none',
    },
  },
  accounts: {
    category: null,
    purpose: 'Dashboard accounts of the tenants\' staff. The e-mail is staff personal data: stored to sign in, shown to the tenant\'s owners and admins, never logged nor put in the audit log. Deleted with the account.',
    columns: {
      id: 'identifying', email: 'identifying', password_hash: 'personal', must_change_password: 'personal', created_at: 'personal',
      password_changed_at: 'personal',
    },
  },
  memberships: {
    category: null,
    purpose: 'Which account holds which role (owner, admin, analyst) in which tenant.',
    columns: { account_id: 'identifying', tenant_id: 'none', role: 'personal', created_at: 'personal' },
  },
  account_sessions: {
    category: null,
    purpose: 'Dashboard sessions: a hash of the cookie\'s token (never the token), the account and its times. Deleted 7 days after they end.',
    columns: { id: 'none', account_id: 'identifying', created_at: 'personal', expires_at: 'none', last_seen_at: 'personal', revoked_at: 'none' },
  },
  login_attempts: {
    category: null,
    purpose: 'Sign-in attempts for rate limiting and lockout: a keyed hash of the e-mail (never the e-mail), the account if known, the outcome. No addresses. Deleted after 30 days.',
    columns: { attempted_at: 'personal', email_key: 'identifying', account_id: 'identifying', outcome: 'personal' },
  },
  viewer_token_keys: {
    category: null,
    exported: 'never',
    purpose: 'Keys a tenant\'s app signs viewer tokens with: HS256 secrets sealed with a key derived from the signing secret, or public keys. No personal data.',
    columns: {
      id: 'none', tenant_id: 'none', alg: 'none', name: 'none', secret_sealed: 'none', public_key: 'none', created_at: 'none', revoked_at: 'none',
    },
  },
  guardianships: {
    category: null,
    subjectColumn: 'learner_subject_id',
    otherSubjectColumns: ['guardian_subject_id'],
    purpose: 'Guardian-to-learner links by subject id (the app\'s user ids are never stored). Erasing either person removes the link.',
    columns: { tenant_id: 'none', guardian_subject_id: 'identifying', learner_subject_id: 'identifying', created_at: 'personal' },
  },
  consents: {
    category: null,
    subjectColumn: 'subject_id',
    purpose: 'Consent history per subject: parental consent (state, verification method, date) and the subject\'s own. Exported with and erased with the subject.',
    columns: {
      id: 'none', tenant_id: 'none', subject_id: 'identifying', kind: 'personal', state: 'personal', method: 'personal', given_at: 'personal',
      recorded_at: 'personal', recorded_by: 'none',
    },
  },
  events: {
    category: 'events',
    subjectColumn: 'subject_id',
    notExportedColumns: ['dedupe_key'],
    timeColumn: 'occurred_at',
    categoryColumn: 'data_category',
    purpose: 'Every event, scrubbed at ingest; linked to a subject until anonymised. Property keys that name a person (IDENTIFYING_PROP_KEY) are kept apart from props, in identifying_props, which anonymisation clears. data_category is the retention category of the row (events, errors, learning_events); category is the app\'s own taxonomy.',
    columns: {
      id: 'none', tenant_id: 'none', occurred_at: 'personal', received_at: 'none', category: 'personal', type: 'personal',
      subject_id: 'identifying', session_id: 'identifying', anonymous_id: 'identifying', page_path: 'personal',
      page_title: 'personal', referrer_host: 'personal', duration_ms: 'personal', load_time_ms: 'personal',
      props: 'personal', browser: 'personal', os: 'personal', device_type: 'personal', locale: 'personal',
      ip_prefix: 'identifying', dedupe_key: 'none', anonymized_at: 'none', data_category: 'personal', identifying_props: 'identifying',
    },
  },
  sessions: {
    category: 'sessions',
    subjectColumn: 'subject_id',
    timeColumn: 'started_at',
    notExportedColumns: ['key'],
    purpose: 'Sessions built from events: span, pages, device. The key (a hash of the id, the primary key) is replaced with the id on anonymisation.',
    columns: {
      id: 'identifying', tenant_id: 'none', subject_id: 'identifying', anonymous_id: 'identifying', started_at: 'personal',
      ended_at: 'personal', duration_ms: 'personal', page_views: 'personal', event_count: 'personal',
      entry_page: 'personal', exit_page: 'personal', device_type: 'personal', browser: 'personal', os: 'personal',
      anonymized_at: 'none', key: 'identifying',
    },
  },
  error_events: {
    category: 'errors',
    subjectColumn: 'subject_id',
    timeColumn: 'occurred_at',
    eventIdColumn: 'event_id',
    purpose: 'Errors reported by apps, message and stack scrubbed at ingest.',
    columns: {
      id: 'none', event_id: 'none', tenant_id: 'none', occurred_at: 'personal', received_at: 'none',
      subject_id: 'identifying', session_id: 'identifying', error_type: 'personal', message: 'personal', stack: 'personal',
      component: 'personal', endpoint: 'personal', status: 'personal', page_path: 'personal', browser: 'personal',
      os: 'personal', anonymized_at: 'none',
    },
  },
  learning_events: {
    category: 'learning_events',
    subjectColumn: 'subject_id',
    timeColumn: 'occurred_at',
    eventIdColumn: 'event_id',
    purpose: 'Learning milestones, assessment scores and goal progress.',
    columns: {
      id: 'none', event_id: 'none', tenant_id: 'none', occurred_at: 'personal', received_at: 'none',
      subject_id: 'identifying', session_id: 'identifying', type: 'personal', course: 'personal', activity: 'personal',
      subject_area: 'personal', score: 'personal', max_score: 'personal', goal_id: 'personal', goal_baseline: 'personal',
      goal_current: 'personal', goal_target: 'personal', anonymized_at: 'none',
    },
  },
  session_aggregates: {
    category: 'aggregates',
    subjectColumn: 'subject_id',
    timeColumn: 'day',
    purpose: 'ETL session aggregates per day: per learner (aggregation_level learner, keyed by subject_id: personal, reached by retention and erasure through subject_id) and per tenant (a group: no personal data).',
    columns: {
      tenant_id: 'none', day: 'personal', time_zone: 'none', aggregation_level: 'none', subject_id: 'identifying', session_count: 'personal',
      total_duration_s: 'personal', avg_duration_s: 'personal', median_duration_s: 'personal', max_duration_s: 'personal', privacy_level: 'none',
      epsilon: 'none', cohort_size: 'none', etl_run_id: 'none', computed_at: 'none', anonymized_at: 'none',
    },
  },
  mastery_aggregates: {
    category: 'aggregates',
    subjectColumn: 'subject_id',
    timeColumn: 'day',
    purpose: 'ETL mastery aggregates per day and subject area: per learner (keyed by subject_id: personal, reached by retention and erasure) and per subject area for the tenant (a group).',
    columns: {
      tenant_id: 'none', day: 'personal', time_zone: 'none', aggregation_level: 'none', subject_id: 'identifying', subject_area: 'personal',
      assessments_completed: 'personal', avg_score_pct: 'personal', last_score_pct: 'personal', privacy_level: 'none', epsilon: 'none',
      cohort_size: 'none', etl_run_id: 'none', computed_at: 'none', anonymized_at: 'none',
    },
  },
  iep_progress_aggregates: {
    category: 'aggregates',
    subjectColumn: 'subject_id',
    timeColumn: 'day',
    purpose: 'ETL IEP goal progress per day: per learner and goal (keyed by subject_id: personal, reached by retention and erasure) and per tenant (a group).',
    columns: {
      tenant_id: 'none', day: 'personal', time_zone: 'none', aggregation_level: 'none', subject_id: 'identifying', goal_id: 'personal',
      goals: 'personal', baseline: 'personal', current_value: 'personal', target: 'personal', progress_pct: 'personal', on_track_goals: 'personal',
      privacy_level: 'none', epsilon: 'none', cohort_size: 'none', etl_run_id: 'none', computed_at: 'none', anonymized_at: 'none',
    },
  },
  weekly_active_aggregates: {
    category: 'aggregates',
    timeColumn: 'week_start',
    purpose: 'ETL weekly active, new, returning and churned learner counts per tenant. Groups only: no personal data.',
    columns: {
      tenant_id: 'none', week_start: 'none', time_zone: 'none', aggregation_level: 'none', active_learners: 'none', new_learners: 'none',
      returning_learners: 'none', churned_learners: 'none', total_sessions: 'none', total_minutes: 'none', privacy_level: 'none', epsilon: 'none',
      cohort_size: 'none', etl_run_id: 'none', computed_at: 'none',
    },
  },
  page_view_daily: {
    category: 'aggregates',
    timeColumn: 'day',
    purpose: 'ETL page views per day and page (paths scrubbed at ingest): views, unique visitors, load time, time on page. Groups only: no personal data.',
    columns: {
      tenant_id: 'none', day: 'none', time_zone: 'none', aggregation_level: 'none', page_path: 'none', views: 'none', unique_visitors: 'none',
      avg_load_ms: 'none', avg_time_on_page_ms: 'none', privacy_level: 'none', epsilon: 'none', cohort_size: 'none', etl_run_id: 'none',
      computed_at: 'none',
    },
  },
  etl_runs: {
    category: null,
    exported: 'never',
    purpose: 'ETL run log: job, period, status, rows in and out, duration, error text (no row data). No personal data.',
    columns: {
      id: 'none', tenant_id: 'none', job: 'none', period_start: 'none', period_end: 'none', time_zone: 'none', status: 'none', triggered_by: 'none',
      rows_in: 'none', rows_out: 'none', started_at: 'none', finished_at: 'none', duration_ms: 'none', error: 'none', details: 'none',
    },
  },
  dp_releases: {
    category: null,
    purpose: 'Differentially private releases, computed once by the ETL and re-served: noisy values and public parameters. No personal data.',
    columns: {
      release_key: 'none', tenant_id: 'none', metric: 'none', level: 'none', time_zone: 'none', window_start: 'none', window_end: 'none',
      definition_version: 'none', epsilon: 'none', delta: 'none', payload: 'none', released_at: 'none', etl_run_id: 'none',
    },
  },
  privacy_budget: {
    category: null,
    purpose: 'Per-tenant differential-privacy release level and per-window cap. No personal data.',
    columns: { tenant_id: 'none', level: 'none', window_cap_eps: 'none', delta_cap: 'none', updated_at: 'none', updated_by: 'none' },
  },
  privacy_ledger: {
    category: null,
    purpose: 'Privacy budget ledger: every reserved and committed spend per release key. No personal data.',
    columns: {
      id: 'none', tenant_id: 'none', window_start: 'none', window_end: 'none', release_key: 'none', metric: 'none', epsilon: 'none', delta: 'none',
      status: 'none', created_at: 'none', committed_at: 'none',
    },
  },
} satisfies Record<string, TableEntry>;

export type InventoryTable = keyof typeof INVENTORY;

export function inventoryTables(): Array<[string, TableEntry]> {
  return Object.entries(INVENTORY) as Array<[string, TableEntry]>;
}

/** Tables that hold rows about a subject, with the column that links them (a table appears once per such column). */
export function subjectTables(): Array<{ table: string; column: string; entry: TableEntry }> {
  return inventoryTables().flatMap(([table, entry]) =>
    [...(entry.subjectColumn ? [entry.subjectColumn] : []), ...(entry.otherSubjectColumns ?? [])].map((column) => ({ table, column, entry })));
}

/** Columns anonymisation must clear in a table. */
export function identifyingColumns(table: string): string[] {
  const entry = (INVENTORY as Record<string, TableEntry>)[table];
  if (!entry) return [];
  return Object.entries(entry.columns).filter(([, c]) => c === 'identifying').map(([name]) => name);
}

/**
 * Property keys that name another person by the app's id (e.g. `recipient_id` of a
 * connection request). Their values are pseudonymised at ingest like userId; ingest stores
 * these top-level keys apart from the other properties (`events.identifying_props`), and
 * anonymisation clears them. Adding a key here needs a migration that moves it out of the
 * stored `props` (as migration 007 did; a test holds the two together).
 */
export const IDENTIFYING_PROP_KEY = /^(user|student|learner|recipient|sender|parent|guardian|child|teacher|member|friend|author|owner|target_user|actor)_?id$/i;

/**
 * The given categories in groups: categories whose rows share a table (an `events` row shared
 * with an error or learning row, see `eventIdColumn`) are one group, every other category is a
 * group of its own. The retention job plans and runs a group's categories together, so a shared
 * table is written once per chunk. Groups keep the order of their first category.
 */
export function retentionGroups(categories: readonly DataCategory[]): DataCategory[][] {
  const events = (INVENTORY as Record<string, TableEntry>).events?.category ?? null;
  const sharing = new Set(inventoryTables().filter(([, e]) => e.eventIdColumn && e.category).map(([, e]) => e.category!));
  const joined = events && sharing.size > 0 ? new Set([events, ...sharing]) : new Set<DataCategory>();
  const groups: DataCategory[][] = [];
  let shared: DataCategory[] | null = null;
  for (const c of categories) {
    if (!joined.has(c)) groups.push([c]);
    else if (shared) shared.push(c);
    else groups.push((shared = [c]));
  }
  return groups;
}
