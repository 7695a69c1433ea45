import { describe, it, expect, beforeAll } from 'vitest';
import { DEFAULT_OULAD_DIR, loadOuladPresentation, type OuladPresentation, type OuladStudent } from './load-oulad-presentation.ts';
import { evaluateOuladDay, inactiveDuring, registeredAt } from './oulad-validation.ts';

// Real data: OULAD, Kuzilek, Hlosta & Zdrahal, Scientific Data 4, 170171 (2017), CC BY 4.0.

function student(registrationDay: number | null, unregistrationDay: number | null, activeDays: number[] = []): OuladStudent {
  return { id: 's', finalResult: 'Withdrawn', registrationDay, unregistrationDay, activeDays, clicksPerActiveDay: activeDays.map(() => 1), submissions: [] };
}

describe('the validation population and outcomes', () => {
  it('keeps students registered at day D: registered by D and not unregistered before D', () => {
    expect(registeredAt(student(-50, null), 28)).toBe(true);
    expect(registeredAt(student(-50, 28), 28)).toBe(true);
    expect(registeredAt(student(-50, 27), 28)).toBe(false);
    expect(registeredAt(student(29, null), 28)).toBe(false);
    expect(registeredAt(student(null, null), 28)).toBe(true);
  });

  it('calls a student inactive next when no click falls in [D, D + horizon)', () => {
    expect(inactiveDuring(student(0, null, [10, 27, 56]), 28, 28)).toBe(true);
    expect(inactiveDuring(student(0, null, [28]), 28, 28)).toBe(false);
    expect(inactiveDuring(student(0, null, [55]), 28, 28)).toBe(false);
  });
});

describe('the dropout-risk model on OULAD AAA 2013J', () => {
  let data: OuladPresentation;
  beforeAll(async () => {
    data = await loadOuladPresentation({ dataDir: DEFAULT_OULAD_DIR, module: 'AAA', presentation: '2013J' });
  });

  it('loads the whole presentation', () => {
    expect(data.students.size).toBe(383);
    expect(data.clickRows).toBe(180_982);
    expect(data.assessments).toHaveLength(6);
    expect([...data.students.values()].filter((s) => s.finalResult === 'Withdrawn')).toHaveLength(60);
  });

  it('ranks learners who go quiet and learners who withdraw above the rest at day 28', () => {
    const r = evaluateOuladDay(data, 28);
    expect(r.students).toBeGreaterThan(350);
    expect(r.inactiveNext.positives).toBeGreaterThan(0);
    expect(r.withdrawn.positives).toBeGreaterThan(30);
    expect(r.inactiveNext.auc).toBeGreaterThan(0.75);
    expect(r.withdrawn.auc).toBeGreaterThan(0.5);
  });
});
