import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets } from '../../src/core/secrets.ts';
import { tempDataDir } from '../helpers/harness.ts';

describe('secrets', () => {
  it('are generated once, kept with mode 0600, and the same on the next start', () => {
    const dir = tempDataDir();
    const first = loadSecrets(dir);
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadSecrets(dir);
    expect(again.pseudonymKey.equals(first.pseudonymKey)).toBe(true);
    expect(first.pseudonymKey.length).toBe(32);
    expect(first.signingKey.equals(first.pseudonymKey)).toBe(false);
  });

  it('uses given secrets over stored ones', () => {
    const dir = tempDataDir();
    const s = loadSecrets(dir, { pseudonymSecret: 'p'.repeat(40) });
    expect(s.pseudonymKey.toString()).toBe('p'.repeat(40));
    expect(readFileSync(path.join(dir, 'secrets.json'), 'utf8')).not.toContain('p'.repeat(40));
  });

  it('refuses a damaged file instead of replacing it', () => {
    const dir = tempDataDir();
    writeFileSync(path.join(dir, 'secrets.json'), '{"pseudonymKey": 1}');
    expect(() => loadSecrets(dir)).toThrow(/damaged/);
  });
});
