import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { EbbError } from '../../src/core/errors.ts';

const refusal = (flags: Record<string, string>, env: Record<string, string> = {}) => {
  try {
    loadConfig(flags, env);
  } catch (e) {
    return e as EbbError;
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  it('takes defaults, then the environment, then flags', () => {
    expect(loadConfig({}, {}).port).toBe(8787);
    expect(loadConfig({}, { EBB_PORT: '9000' }).port).toBe(9000);
    expect(loadConfig({ port: '9100' }, { EBB_PORT: '9000' }).port).toBe(9100);
    expect(loadConfig({ 'trust-proxy': 'true' }, {}).trustProxy).toBe(true);
  });

  it('names the flag or variable of each bad value, and all of them at once', () => {
    const e = refusal({ port: 'eighty' }, { EBB_LOG_LEVEL: 'loud', EBB_QUEUE_MAX_EVENTS: '5' });
    expect(e.code).toBe('EBB_CONFIG_INVALID');
    expect(e.message).toContain('--port');
    expect(e.message).toContain('eighty');
    expect(e.message).toContain('EBB_LOG_LEVEL');
    expect(e.message).toContain('EBB_QUEUE_MAX_EVENTS');
  });

  it('never repeats a secret in its message', () => {
    const e = refusal({}, { EBB_PSEUDONYM_SECRET: 'short-secret-value' });
    expect(e.message).toContain('EBB_PSEUDONYM_SECRET');
    expect(e.message).not.toContain('short-secret-value');
  });

  it('refuses ports out of range', () => {
    expect(refusal({ port: '70000' }).message).toContain('--port');
  });
});
