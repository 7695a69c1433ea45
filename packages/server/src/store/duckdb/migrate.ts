import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './connection.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const DIR = new URL('./migrations/', import.meta.url);

/** Migrations are the files `migrations/NNN-name.ts`, each exporting `sql`; the number is the version. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = readdirSync(fileURLToPath(DIR)).filter((f) => /^\d{3}-[a-z0-9-]+\.ts$/.test(f)).sort();
  const out: Migration[] = [];
  for (const f of files) {
    const mod = (await import(new URL(f, DIR).href)) as { sql: string };
    out.push({ version: Number(f.slice(0, 3)), name: f.slice(4, -3), sql: mod.sql });
  }
  return out;
}

/** Applies the migrations not yet recorded, in order, each in its own transaction. */
export async function migrate(db: Db, now: Date, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
  const done = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...all].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await db.transaction(async () => {
      for (const statement of m.sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await db.run(statement);
      await db.run('INSERT INTO schema_migrations VALUES ($1, $2, $3::TIMESTAMPTZ)', [m.version, m.name, now.toISOString()]);
    });
    applied.push(m.version);
  }
  return applied;
}
