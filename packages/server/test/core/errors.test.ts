import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, EbbError } from '../../src/core/errors.ts';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it('documents every code in docs/errors.md with its status', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
      expect(row!.split('|')[2]!.trim(), `status of ${code} in docs/errors.md`).toBe(String(spec.status));
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `(EBB_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
    for (const code of documented) expect(Object.keys(ERRORS), `${code} is documented but not in the registry`).toContain(code);
  });

  it('uses EBB_ codes, error statuses and a message for people', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^EBB_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.message.length).toBeGreaterThan(15);
    }
  });

  it('renders the wire shape', () => {
    const e = new EbbError('EBB_NOT_FOUND', 'gone', { details: { a: 1 } });
    expect(e.status).toBe(404);
    expect(e.toBody()).toEqual({ error: { code: 'EBB_NOT_FOUND', message: 'gone', details: { a: 1 } } });
  });
});
