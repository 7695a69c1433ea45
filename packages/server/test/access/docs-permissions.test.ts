import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, type PermissionName } from '../../src/access/permissions.ts';
import type { Principal } from '../../src/access/principal.ts';
import type { SubjectRef } from '../../src/access/subject-ref.ts';
import { KEY_SCOPES, type ApiKeyKind, type ApiKeyRecord, type KeyScope, type Role } from '../../src/store/ports.ts';

/**
 * docs/security.md's table of who may do what, evaluated against the named checks themselves:
 * every check has its row(s), and every cell says what the check decides.
 */

const DOC = new URL('../../../../docs/security.md', import.meta.url);
const TENANT = 't_doc';
const SELF: SubjectRef = { pseudonym: 'p-self', id: 's-self' };

const COLUMNS = ['owner', 'admin', 'analyst', 'key', 'server key', 'browser key', 'learner', 'guardian'] as const;
type Column = (typeof COLUMNS)[number];

interface Row { check: string; variant: 'one person' | 'whole tenant' | null; cells: Record<Column, string> }

function tableRows(): Row[] {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('<!-- permissions-table:start -->');
  const end = text.indexOf('<!-- permissions-table:end -->');
  expect(start, 'docs/security.md has lost its permissions-table markers').toBeGreaterThan(-1);
  const lines = text.slice(start, end).split('\n').filter((l) => l.startsWith('| `'));
  return lines.map((line) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const m = /^`(\w+)`(?: \((one person|whole tenant)\))?$/.exec(cells[0]!);
    expect(m, `cannot read the check in "${cells[0]}"`).not.toBeNull();
    expect(cells, `row ${cells[0]} needs ${2 + COLUMNS.length} cells`).toHaveLength(2 + COLUMNS.length);
    const byColumn = Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i + 2]!.replaceAll('`', '')])) as Record<Column, string>;
    return { check: m![1]!, variant: (m![2] as Row['variant']) ?? null, cells: byColumn };
  });
}

const account = (role: Role): Principal => ({ kind: 'account', accountId: 'acc', sessionId: 'sess', memberships: new Map([[TENANT, role]]), mustChangePassword: false });
const key = (kind: ApiKeyKind, scopes: readonly KeyScope[]): Principal => ({
  kind: 'api-key', tenantId: TENANT, scopes: new Set(scopes),
  key: { id: 'k', tenantId: TENANT, kind, scopes: [...scopes] } as unknown as ApiKeyRecord,
});
const viewer = (role: 'learner' | 'guardian', pseudonym: string, wards: string[]): Principal => ({
  kind: 'viewer', tenantId: TENANT, role, pseudonym, subjectId: `s-${pseudonym}`, wards: new Set(wards), expiresAt: new Date(0),
});

/** For one cell: principals the check must allow and principals it must refuse. */
function probes(column: Column, cell: string): { allow: Principal[]; deny: Principal[]; ok: boolean } {
  const yesNo = (p: Principal) => (cell === 'yes' ? { allow: [p], deny: [], ok: true } : cell === 'no' ? { allow: [], deny: [p], ok: true } : { allow: [], deny: [], ok: false });
  switch (column) {
    case 'owner': case 'admin': case 'analyst': return yesNo(account(column));
    case 'server key': return yesNo(key('server', []));
    case 'browser key': return yesNo(key('browser', []));
    case 'key':
      if (cell === 'no') return { allow: [], deny: [key('admin', KEY_SCOPES), key('read', KEY_SCOPES)], ok: true };
      if (cell === 'any') return { allow: [key('admin', []), key('read', [])], deny: [], ok: true };
      if (cell.includes(' and ')) {
        // "a and b": a key holding all of them is let through; one lacking any of them is not.
        const scopes = cell.split(' and ');
        if (scopes.every((sc) => (KEY_SCOPES as readonly string[]).includes(sc))) {
          return { allow: [key('admin', scopes as KeyScope[])], deny: scopes.map((missing) => key('admin', KEY_SCOPES.filter((sc) => sc !== missing))), ok: true };
        }
      }
      {
        // One scope, or "a or b": a key holding any one of them is let through, a key holding every other scope is not.
        const scopes = cell.split(' or ');
        if (scopes.every((sc) => (KEY_SCOPES as readonly string[]).includes(sc))) {
          return { allow: scopes.map((sc) => key('admin', [sc as KeyScope])), deny: [key('admin', KEY_SCOPES.filter((sc) => !scopes.includes(sc)))], ok: true };
        }
      }
      return { allow: [], deny: [], ok: false };
    case 'learner':
      if (cell === 'own') return { allow: [viewer('learner', 'p-self', [])], deny: [viewer('learner', 'p-other', [])], ok: true };
      return yesNo(viewer('learner', 'p-self', []));
    case 'guardian':
      if (cell === 'children') return { allow: [viewer('guardian', 'p-g1', ['s-self'])], deny: [viewer('guardian', 'p-g2', ['s-other'])], ok: true };
      return yesNo(viewer('guardian', 'p-g1', ['s-self']));
  }
}

describe('docs/security.md: the table of who may do what', () => {
  const rows = tableRows();

  it('has a row for every named check (two for checks about one person or the whole tenant), and none for unknown checks', () => {
    const want = Object.entries(PERMISSIONS).flatMap(([name, spec]) =>
      spec.subject === 'optional' ? [`${name} (one person)`, `${name} (whole tenant)`] : [name]);
    const have = rows.map((r) => (r.variant ? `${r.check} (${r.variant})` : r.check));
    const missing = want.filter((w) => !have.includes(w));
    expect(missing, `Add rows to the table in docs/security.md (between the permissions-table markers) for:\n${missing.join('\n')}`).toEqual([]);
    expect(have.filter((h) => !want.includes(h)), 'rows in docs/security.md for checks that do not exist').toEqual([]);
  });

  for (const row of rows) {
    it(`${row.check}${row.variant ? ` (${row.variant})` : ''}: each cell is what the check decides`, () => {
      const spec = PERMISSIONS[row.check as PermissionName];
      if (!spec) return; // reported above
      const subject = spec.subject === 'required' || row.variant === 'one person' ? SELF : null;
      const wrong: string[] = [];
      for (const column of COLUMNS) {
        const cell = row.cells[column];
        const p = probes(column, cell);
        if (!p.ok) {
          wrong.push(`${column}: "${cell}" is not a value this table uses`);
          continue;
        }
        for (const principal of p.allow) if (!spec.check(principal, TENANT, subject).allowed) wrong.push(`${column}: says "${cell}", but the check refuses`);
        for (const principal of p.deny) if (spec.check(principal, TENANT, subject).allowed) wrong.push(`${column}: says "${cell}", but the check allows`);
      }
      expect(wrong, `docs/security.md row ${row.check}: fix the table or the check`).toEqual([]);
    });
  }
});
