import { spentInWindow } from '../dp/budget.ts';
import { compareEpsilon, formatEpsilon, parseEpsilon, isFiniteEpsilon, type Epsilon } from '../dp/epsilon.ts';
import { getPrivacyLevel, PRIVACY_LEVELS } from '../dp/privacy-levels.ts';
import { formatRational, sub } from '../dp/rational.ts';
import type { BudgetSettings, PersistentBudgetLedger } from './privacy-budget.ts';

const DESCRIPTIONS = {
  anonymized: {
    description: 'Exact values; groups under k learners withheld, with complementary suppression so no withheld value follows from published totals. No formal privacy guarantee (recorded as epsilon infinity).',
    suitable_for: 'Staff dashboards inside the tenant',
  },
  dp_low: {
    description: 'Differential privacy, epsilon 2 per learner and ISO week: exact discrete noise, computed once per week and re-served; cells with a noisy count under k withheld.',
    suitable_for: 'Internal reports that need accuracy',
  },
  dp_medium: {
    description: 'Differential privacy, epsilon 1 per learner and ISO week: exact discrete noise, computed once per week and re-served; cells with a noisy count under k withheld.',
    suitable_for: 'Reports shared beyond the staff, cross-tenant comparisons',
  },
  dp_high: {
    description: 'Differential privacy, epsilon 1/2 per learner and ISO week: exact discrete noise, computed once per week and re-served; small tenants see most cells withheld.',
    suitable_for: 'Public reports',
  },
} as const;

/** GET /privacy/levels: every level with its epsilon per window, this tenant's k, and the tenant's release level. */
export function describePrivacyLevels(minGroupSize: number, settings: BudgetSettings) {
  return {
    privacy_levels: PRIVACY_LEVELS.map((level) => {
      const spec = getPrivacyLevel(level, { minGroupSize });
      return {
        level,
        epsilon: formatEpsilon(spec.epsilon),
        differentially_private: spec.differentiallyPrivate,
        k: spec.minGroupSize,
        window: spec.differentiallyPrivate ? 'iso_week' : null,
        released_weekly: level === settings.level,
        ...DESCRIPTIONS[level],
      };
    }),
    release_level: settings.level,
  };
}

const DAY_MS = 86_400_000;

/** GET /privacy/budget: per ISO-week window, epsilon spent and remaining under the cap; the trailing 12 months' total. */
export async function describeBudget(ledger: PersistentBudgetLedger, tenantId: string, now: Date) {
  const settings = await ledger.settings(tenantId);
  const trailing = { start: new Date(now.getTime() - 365 * DAY_MS).toISOString(), end: new Date(now.getTime() + 7 * DAY_MS).toISOString() };
  const entries = await ledger.entries(tenantId, trailing);
  const cap = parseEpsilon(settings.windowCap);
  const byWindow = new Map<string, typeof entries>();
  for (const e of entries) {
    const key = `${e.window.start}|${e.window.end}`;
    byWindow.set(key, [...(byWindow.get(key) ?? []), e]);
  }
  const remaining = (spent: Epsilon): string => {
    if (!isFiniteEpsilon(cap)) return 'infinity';
    if (!isFiniteEpsilon(spent) || compareEpsilon(spent, cap) >= 0) return '0';
    return formatRational(sub(cap, spent));
  };
  const windows = [...byWindow.values()]
    .map((list) => {
      const w = list[0]!.window;
      const spent = spentInWindow(list, tenantId, w);
      return {
        window_start: w.start,
        window_end: w.end,
        spent_epsilon: formatEpsilon(spent.epsilon),
        remaining_epsilon: remaining(spent.epsilon),
        delta_spent: formatRational(spent.delta),
        releases: list.filter((e) => e.status === 'committed').length,
        reserved_without_release: list.filter((e) => e.status === 'reserved').length,
      };
    })
    .sort((a, b) => (a.window_start < b.window_start ? 1 : -1));
  return {
    tenant_id: tenantId,
    level: settings.level,
    window: 'iso_week',
    window_cap_epsilon: settings.windowCap,
    delta_cap: settings.deltaCap,
    trailing_12_months: { from: trailing.start, to: now.toISOString(), spent_epsilon: formatEpsilon(spentInWindow(entries, tenantId, trailing).epsilon) },
    windows,
  };
}
