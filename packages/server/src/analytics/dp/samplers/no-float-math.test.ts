import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The samplers must stay exact: no Math.random (not a CSPRNG) and no float Math.log / Math.exp
 * (rounding leaks the input, as in Mironov's attack on float Laplace).
 */
const FORBIDDEN = /\bMath\s*\.\s*(random|log|log1p|log2|log10|exp|expm1)\b|\bMath\s*\[/;

function findForbiddenMath(source: string): string[] {
  // Comments may name the banned calls (to explain the ban); code may not.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return code.split('\n').filter((line) => FORBIDDEN.test(line));
}

const dir = new URL('.', import.meta.url).pathname;
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const engineDir = new URL('..', import.meta.url).pathname;
const engineSources = (readdirSync(engineDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('sampler sources', () => {
  it('cover the sampler files', () => {
    expect(sources).toEqual(expect.arrayContaining(['bernoulli.ts', 'discrete-laplace.ts', 'discrete-gaussian.ts', 'geometric.ts', 'permute-and-flip.ts']));
  });

  it.each(sources)('%s uses no Math.random, Math.log or Math.exp', (file) => {
    expect(findForbiddenMath(readFileSync(join(dir, file), 'utf8'))).toEqual([]);
  });

  it.each(engineSources)('dp/%s uses no Math.random (only the OS CSPRNG feeds the engine)', (file) => {
    const code = readFileSync(join(engineDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bMath\s*\.\s*random\b/);
  });

  it('negative control: the scan catches each banned call', () => {
    for (const line of ['const u = Math.random();', 'x + b * Math.log(u)', 'Math.exp(-g)', 'Math . exp(1)', "Math['log'](2)", 'Math.log1p(x)']) {
      expect(findForbiddenMath(`function f() {\n  ${line}\n}`)).toHaveLength(1);
    }
    expect(findForbiddenMath('// Math.log is banned here\nconst y = x * 2;')).toEqual([]);
  });
});
