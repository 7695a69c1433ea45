import { describe, expect, it } from 'vitest';
import { exposureHealth, type ExposureEntry } from './pii-exposure.ts';

const entry = (overdueSeconds: number, category: ExposureEntry['category'] = 'events'): ExposureEntry => ({ tenantId: 't_1', category, stage: 'anonymize', overdueSeconds });

describe('exposureHealth', () => {
  it('is ok up to a day late and warns after that, counting the late entries', () => {
    expect(exposureHealth([])).toEqual({ status: 'ok', detail: { overdue: 0, maxOverdueSeconds: 0 } });
    expect(exposureHealth([entry(0), entry(3600)])).toEqual({ status: 'ok', detail: { overdue: 0, maxOverdueSeconds: 3600 } });
    expect(exposureHealth([entry(86_400)])).toEqual({ status: 'ok', detail: { overdue: 0, maxOverdueSeconds: 86_400 } });
    expect(exposureHealth([entry(86_401), entry(5), entry(200_000, 'sessions')])).toEqual({ status: 'warn', detail: { overdue: 2, maxOverdueSeconds: 200_000 } });
  });

  it('names no tenant (health is public)', () => {
    expect(JSON.stringify(exposureHealth([entry(999_999)]))).not.toContain('t_1');
  });
});
