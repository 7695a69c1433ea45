import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/harness.ts';

let t: TestServer;
afterEach(() => t?.close());

async function withEntries(n: number) {
  t = await startTestServer();
  for (let i = 0; i < n; i++) await t.services.audit.record({ tenantId: t.tenant.tenantId, actor: 'test', action: 'test.action', target: `t${i}`, details: { i } });
  return t;
}

describe('audit log', () => {
  it('verifies an untouched chain', async () => {
    await withEntries(5);
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(true);
    expect(v.entries).toBeGreaterThanOrEqual(5);
  });

  it('records tenant and key changes without raw keys', async () => {
    await withEntries(0);
    const rows = await t.query<{ action: string; details: string }>('SELECT action, details FROM audit_log ORDER BY seq');
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['tenant.created', 'api_key.created']));
    const text = JSON.stringify(rows);
    for (const key of Object.values(t.tenant.keys)) expect(text).not.toContain(key);
  });

  it('detects an edited entry', async () => {
    await withEntries(5);
    await t.query("UPDATE audit_log SET details = '{\"i\": 99}' WHERE target = 't2'");
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    expect(v.problems.some((p) => /edited/.test(p.problem))).toBe(true);
  });

  it('detects a removed entry', async () => {
    await withEntries(5);
    await t.query("DELETE FROM audit_log WHERE target = 't2'");
    expect((await t.services.audit.verify()).ok).toBe(false);
  });

  it('detects reordered entries', async () => {
    await withEntries(5);
    const rows = await t.query<{ seq: bigint; target: string }>("SELECT seq, target FROM audit_log WHERE target IN ('t1', 't2') ORDER BY seq");
    await t.query('UPDATE audit_log SET seq = -1 WHERE seq = $1', [rows[0]!.seq]);
    await t.query('UPDATE audit_log SET seq = $1 WHERE seq = $2', [rows[0]!.seq, rows[1]!.seq]);
    await t.query('UPDATE audit_log SET seq = $1 WHERE seq = -1', [rows[1]!.seq]);
    expect((await t.services.audit.verify()).ok).toBe(false);
  });

  it('detects entries cut from the end', async () => {
    await withEntries(5);
    await t.query("DELETE FROM audit_log WHERE target = 't4'");
    const v = await t.services.audit.verify();
    expect(v.ok).toBe(false);
    expect(v.problems.some((p) => /end/.test(p.problem))).toBe(true);
  });

  it('detects a re-sealed entry by a forger without the audit key', async () => {
    await withEntries(3);
    const { createHash } = await import('node:crypto');
    await t.query("UPDATE audit_log SET actor = 'forger', hash = $1 WHERE target = 't1'", [createHash('sha256').update('x').digest('hex')]);
    expect((await t.services.audit.verify()).ok).toBe(false);
  });
});
