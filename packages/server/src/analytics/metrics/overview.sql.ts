/**
 * SQL of the overview metric, one variant per engine. `$day` is replaced by the local-day
 * expression; only numbers computed by the caller enter the generated statements.
 */
export const overviewSql = {
  duckdb: {
    /** Events per event type and local day in the range (no people: see `people`). */
    counts: `
      SELECT type, $day AS day, count(*) AS events
      FROM events
      WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
      GROUP BY ALL`,

    /**
     * Distinct people, in one pass over the window ($2..$3: the range and the 30 days up to its
     * last day, whose first local day is `firstDay`): one row per person with a bit per day of the
     * window on which they were active and a bit per event type ($4, in list order) they sent
     * inside the range. The counts are then sums of bits over as many rows as there are people.
     * A grouped count(DISTINCT) per type and per day costs several times more: each group keeps
     * its own set of people, where here one hash table keyed by person serves every count.
     */
    people(shape: { firstDay: number; windowDays: number; rangeDays: number; types: number }): string {
      const { firstDay, windowDays: w, rangeDays: r, types: t } = shape;
      for (const n of [firstDay, w, r, t]) if (!Number.isSafeInteger(n) || n < 0) throw new Error('overview: the shape must be whole numbers');
      const days = bitSet('days', 'd', w);
      const types = bitSet('types', 'ti', t);
      const sums = [
        ...Array.from({ length: r }, (_, i) => `sum(${days.bit(w - r + i)}) AS d${i}`),
        ...Array.from({ length: t }, (_, i) => `sum(${types.bit(i)}) AS t${i}`),
      ];
      return `
        WITH e AS (
          SELECT coalesce(subject_id, anonymous_id) AS person, $day - ${firstDay} AS d, type
          FROM events
          WHERE tenant_id = $1 AND occurred_at >= $2::TIMESTAMPTZ AND occurred_at < $3::TIMESTAMPTZ
        ),
        person_bits AS (
          SELECT ${[...days.columns, ...types.columns].join(', ')}
          FROM (SELECT person, d, ${t > 0 ? `CASE WHEN d >= ${w - r} THEN list_position($4::VARCHAR[], type) - 1 END` : 'NULL::BIGINT'} AS ti FROM e WHERE person IS NOT NULL)
          GROUP BY person
        )
        SELECT count_if(${days.any(w - r, w)}) AS people, sum(${days.bit(w - 1)}) AS dau,
               count_if(${days.any(w - 7, w)}) AS wau, count_if(${days.any(w - 30, w)}) AS mau
               ${sums.map((c) => `, ${c}`).join('')}
        FROM person_bits`;
    },

    sessions: `
      SELECT count(*) AS sessions FROM sessions
      WHERE tenant_id = $1 AND started_at >= $2::TIMESTAMPTZ AND started_at < $3::TIMESTAMPTZ`,
  },
} as const;

/** Bits per BIGINT word: 63, so every word stays positive. */
const WORD = 63;

/**
 * A set of positions 0..size-1 kept per group as BIGINT words (`name0`, `name1`, ...) built with
 * bit_or from the column `value`; the same as a bitstring, at a fraction of the cost per bit read.
 */
function bitSet(name: string, value: string, size: number) {
  const words = Math.ceil(size / WORD);
  const word = (p: number) => `${name}${Math.floor(p / WORD)}`;
  return {
    columns: Array.from({ length: words }, (_, k) =>
      words === 1
        ? `bit_or(1::BIGINT << ${value}) AS ${name}0`
        : `bit_or(CASE WHEN ${value} >= ${k * WORD} AND ${value} < ${(k + 1) * WORD} THEN 1::BIGINT << (${value} - ${k * WORD}) END) AS ${name}${k}`),
    /** 1 when position p is set, else 0 (NULL for a group that never set a bit of its word). */
    bit: (p: number) => `((${word(p)} >> ${p % WORD}) & 1)`,
    /** Whether any position in [from, to) is set. */
    any: (from: number, to: number) => {
      const parts: string[] = [];
      for (let k = Math.floor(from / WORD); k * WORD < to; k++) {
        let mask = 0n;
        for (let p = Math.max(from, k * WORD); p < Math.min(to, (k + 1) * WORD); p++) mask |= 1n << BigInt(p - k * WORD);
        parts.push(`coalesce(${name}${k} & ${mask}, 0) <> 0`);
      }
      return parts.length > 0 ? `(${parts.join(' OR ')})` : 'false';
    },
  };
}
