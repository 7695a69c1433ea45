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
  /** Column whose age decides retention. */
  timeColumn?: string;
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
    purpose: 'API keys, stored as SHA-256 hashes. No personal data.',
    columns: {
      id: 'none', tenant_id: 'none', kind: 'none', name: 'none', prefix: 'none', hash: 'none',
      allowed_origins: 'none', created_at: 'none', last_used_at: 'none', revoked_at: 'none',
    },
  },
  subjects: {
    category: null,
    subjectColumn: 'id',
    purpose: 'One row per person: a keyed pseudonym of the app\'s user id, never the id itself. Removed on erasure.',
    columns: {
      id: 'identifying', tenant_id: 'none', pseudonym: 'identifying', kind: 'personal', age_band: 'personal',
      consent_state: 'personal', created_at: 'personal', erased_at: 'none',
    },
  },
  audit_log: {
    category: null,
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
  events: {
    category: 'events',
    subjectColumn: 'subject_id',
    timeColumn: 'occurred_at',
    purpose: 'Every event, scrubbed at ingest; linked to a subject until anonymised.',
    columns: {
      id: 'none', tenant_id: 'none', occurred_at: 'personal', received_at: 'none', category: 'personal', type: 'personal',
      subject_id: 'identifying', session_id: 'identifying', anonymous_id: 'identifying', page_path: 'personal',
      page_title: 'personal', referrer_host: 'personal', duration_ms: 'personal', load_time_ms: 'personal',
      props: 'personal', browser: 'personal', os: 'personal', device_type: 'personal', locale: 'personal',
      ip_prefix: 'identifying', dedupe_key: 'none', anonymized_at: 'none',
    },
  },
  sessions: {
    category: 'sessions',
    subjectColumn: 'subject_id',
    timeColumn: 'started_at',
    purpose: 'Sessions built from events: span, pages, device.',
    columns: {
      id: 'identifying', tenant_id: 'none', subject_id: 'identifying', anonymous_id: 'identifying', started_at: 'personal',
      ended_at: 'personal', duration_ms: 'personal', page_views: 'personal', event_count: 'personal',
      entry_page: 'personal', exit_page: 'personal', device_type: 'personal', browser: 'personal', os: 'personal',
      anonymized_at: 'none',
    },
  },
  error_events: {
    category: 'errors',
    subjectColumn: 'subject_id',
    timeColumn: 'occurred_at',
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
    purpose: 'Learning milestones, assessment scores and goal progress.',
    columns: {
      id: 'none', event_id: 'none', tenant_id: 'none', occurred_at: 'personal', received_at: 'none',
      subject_id: 'identifying', session_id: 'identifying', type: 'personal', course: 'personal', activity: 'personal',
      subject_area: 'personal', score: 'personal', max_score: 'personal', goal_id: 'personal', goal_baseline: 'personal',
      goal_current: 'personal', goal_target: 'personal', anonymized_at: 'none',
    },
  },
} satisfies Record<string, TableEntry>;

export type InventoryTable = keyof typeof INVENTORY;

export function inventoryTables(): Array<[string, TableEntry]> {
  return Object.entries(INVENTORY) as Array<[string, TableEntry]>;
}

/** Tables that hold rows about a subject, with the column that links them. */
export function subjectTables(): Array<{ table: string; column: string; entry: TableEntry }> {
  return inventoryTables()
    .filter(([, e]) => e.subjectColumn !== undefined)
    .map(([table, entry]) => ({ table, column: entry.subjectColumn!, entry }));
}

/** Columns anonymisation must clear in a table. */
export function identifyingColumns(table: string): string[] {
  const entry = (INVENTORY as Record<string, TableEntry>)[table];
  if (!entry) return [];
  return Object.entries(entry.columns).filter(([, c]) => c === 'identifying').map(([name]) => name);
}

/**
 * Property keys that name another person by the app's id (e.g. `recipient_id` of a
 * connection request). Their values are pseudonymised at ingest like userId, and the keys
 * are removed when the event is anonymised.
 */
export const IDENTIFYING_PROP_KEY = /^(user|student|learner|recipient|sender|parent|guardian|child|teacher|member|friend|author|owner|target_user|actor)_?id$/i;
