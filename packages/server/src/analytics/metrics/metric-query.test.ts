import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { localDate } from '../date-range.ts';
import { dateOfDayNumber, localDaySql } from './metric-query.ts';

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

/** The local day the SQL gives for each instant, as YYYY-MM-DD. */
async function sqlDays(instants: number[], range: { from: string; to: string; timeZone: string }): Promise<string[]> {
  const values = instants.map((t) => `(${t}, '${new Date(t).toISOString()}'::TIMESTAMPTZ)`).join(',');
  const r = await conn.runAndReadAll(`SELECT n, ${localDaySql('t', range)} AS d FROM (VALUES ${values}) v(n, t) ORDER BY n`);
  return r.getRowObjectsJS().map((row) => dateOfDayNumber(Number(row.d)));
}

describe('localDaySql', () => {
  for (const timeZone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
    it(`agrees with the time-zone database in ${timeZone}, across daylight-saving changes`, async () => {
      const range = { from: '2026-01-01', to: '2026-12-31', timeZone };
      // Every 37 minutes through the year, plus the instants either side of each local midnight near the changes.
      const instants: number[] = [];
      for (let t = Date.parse('2026-01-01T12:00:00Z'); t < Date.parse('2026-12-31T00:00:00Z'); t += 37 * 60_000) instants.push(t);
      for (const iso of ['2026-03-08T04:59:59Z', '2026-03-08T05:00:00Z', '2026-03-29T22:59:59Z', '2026-03-29T23:00:00Z', '2026-03-28T22:59:59Z', '2026-03-28T23:00:00Z', '2026-10-25T22:59:59Z', '2026-10-25T23:00:00Z', '2026-11-02T04:59:59Z', '2026-11-02T05:00:00Z']) instants.push(Date.parse(iso));
      instants.sort((a, b) => a - b);
      const got = await sqlDays(instants, range);
      const want = instants.map((t) => localDate(new Date(t), timeZone));
      const wrong = got.map((d, i) => (d === want[i] ? null : `${new Date(instants[i]!).toISOString()}: ${d} instead of ${want[i]}`)).filter(Boolean);
      expect(wrong).toEqual([]);
    });
  }

  it('is a plain division in UTC', () => {
    expect(localDaySql('t', { from: '2026-01-01', to: '2026-01-31', timeZone: 'UTC' })).toBe('(epoch_ms(t) // 86400000)');
  });
});
