import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@ebb/contracts';
import { BUDGET_BYTES, buildTracker } from '../build.mjs';
import { ERROR_TYPE_MAX, PATH_MAX, STACK_MAX, TEXT_MAX } from '../src/limits.ts';
import { newId } from '../src/new-id.ts';

const outdir = mkdtempSync(path.join(tmpdir(), 'ebb-tracker-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('tracker bundle', () => {
  it('builds an IIFE and an ESM tracker under 3 kB gzipped, without React or zod', async () => {
    const sizes = await buildTracker({ outdir });
    expect(sizes['ebb.iife.js'].gzip).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(sizes['ebb.js'].gzip).toBeLessThanOrEqual(BUDGET_BYTES);
    const iife = readFileSync(path.join(outdir, 'ebb.iife.js'), 'utf8');
    expect(iife).not.toMatch(/from\s*"react"|zod|ZodError/);
    expect(readFileSync(path.join(outdir, 'ebb.js'), 'utf8')).not.toMatch(/"react"/);
    expect(readFileSync(path.join(outdir, 'react.js'), 'utf8')).toMatch(/from"react"/);
  });
});

describe('wire limits mirrored in the browser', () => {
  it('match the contract', () => {
    expect(TEXT_MAX).toBe(LIMITS.textMaxLength);
    expect(PATH_MAX).toBe(LIMITS.pathMaxLength);
    expect(STACK_MAX).toBeLessThanOrEqual(LIMITS.stackMaxLength);
    expect(ERROR_TYPE_MAX).toBe(64);
  });

  it('client ids fit the event id pattern and do not repeat', () => {
    const ids = Array.from({ length: 1000 }, newId);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[0]!.length).toBeLessThanOrEqual(LIMITS.idMaxLength);
  });
});
