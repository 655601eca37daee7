import { describe, expect, it } from 'vitest';
import { drawPlan, seededUniform, townshipWeight, type Candidate } from '../../src/spot-checks/sampler.js';

const codes = (plan: { code: string }[]) => plan.map((d) => d.code);

/** Twenty townships with assorted weights. */
const TOWNSHIPS: Candidate[] = Array.from({ length: 20 }, (_, i) => ({ code: `220100${String(i + 100).padStart(3, '0')}`, weight: 1 + (i % 4) * 3 }));

describe('townshipWeight', () => {
  it('is 1 + reports + 2×overdue + 2×substantiated + 3 for any stale roster', () => {
    expect(townshipWeight({ reports: 0, overdue: 0, substantiated: 0, staleVillages: 0 })).toBe(1);
    expect(townshipWeight({ reports: 4, overdue: 1, substantiated: 2, staleVillages: 0 })).toBe(1 + 4 + 2 + 4);
    expect(townshipWeight({ reports: 0, overdue: 0, substantiated: 0, staleVillages: 1 })).toBe(4);
    // Stale rosters add 3 once, however many villages.
    expect(townshipWeight({ reports: 1, overdue: 0, substantiated: 0, staleVillages: 7 })).toBe(5);
  });
});

describe('seededUniform', () => {
  it('gives the same floats in [0, 1) for the same seed and different ones for another', () => {
    const a = seededUniform('seed-a');
    const b = seededUniform('seed-a');
    const c = seededUniform('seed-c');
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('drawPlan', () => {
  it('gives the same plan for the same seed, whatever order the candidates come in', () => {
    const options = { seed: 'a1b2c3', count: 8, randomCount: 3 };
    const plan = drawPlan(TOWNSHIPS, options);
    expect(drawPlan(TOWNSHIPS, options)).toEqual(plan);
    expect(drawPlan([...TOWNSHIPS].reverse(), options)).toEqual(plan);
    expect(plan.map((d) => d.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(plan.map((d) => d.drawnBy)).toEqual(['random', 'random', 'random', 'weighted', 'weighted', 'weighted', 'weighted', 'weighted']);
    for (const d of plan) expect(d.weight).toBe(TOWNSHIPS.find((t) => t.code === d.code)!.weight);
  });

  it('gives a different plan for a different seed (overwhelmingly)', () => {
    const base = codes(drawPlan(TOWNSHIPS, { seed: 'seed-0', count: 6, randomCount: 2 }));
    let same = 0;
    for (let i = 1; i <= 200; i++) if (codes(drawPlan(TOWNSHIPS, { seed: `seed-${i}`, count: 6, randomCount: 2 })).join() === base.join()) same += 1;
    expect(same).toBeLessThanOrEqual(1);
  });

  it('never draws a township twice and caps the count at the number of candidates', () => {
    for (let i = 0; i < 300; i++) {
      const plan = drawPlan(TOWNSHIPS, { seed: `dup-${i}`, count: 12, randomCount: i % 13 });
      expect(plan).toHaveLength(12);
      expect(new Set(codes(plan)).size).toBe(12);
    }
    const all = drawPlan(TOWNSHIPS, { seed: 'all', count: 50, randomCount: 5 });
    expect(all).toHaveLength(20);
    expect(new Set(codes(all))).toEqual(new Set(codes(TOWNSHIPS)));
    expect(all.filter((d) => d.drawnBy === 'random')).toHaveLength(5);
    const capped = drawPlan(TOWNSHIPS, { seed: 'x', count: 3, randomCount: 10 });
    expect(capped.map((d) => d.drawnBy)).toEqual(['random', 'random', 'random']);
    expect(drawPlan([], { seed: 'x', count: 3, randomCount: 1 })).toEqual([]);
  });

  it('refuses duplicate candidates, bad weights and an empty seed', () => {
    expect(() => drawPlan([{ code: 'a', weight: 1 }, { code: 'a', weight: 2 }], { seed: 's', count: 1, randomCount: 0 })).toThrow(/twice/);
    expect(() => drawPlan([{ code: 'a', weight: 0 }], { seed: 's', count: 1, randomCount: 0 })).toThrow(/positive/);
    expect(() => drawPlan([{ code: 'a', weight: Number.NaN }], { seed: 's', count: 1, randomCount: 0 })).toThrow(/positive/);
    expect(() => drawPlan([{ code: 'a', weight: 1 }], { seed: '', count: 1, randomCount: 0 })).toThrow(/seed/);
    expect(() => drawPlan([{ code: 'a', weight: 1 }], { seed: 's', count: 1.5, randomCount: 0 })).toThrow();
  });

  // Ten townships: one heavily flagged (weight 1 + 5 reports + 2×2 overdue + 2×2 substantiated + 3 = 17),
  // the others unflagged (weight 1).
  const FLAGGED = '220122100';
  const PLAIN = '220122101';
  const FIELD: Candidate[] = Array.from({ length: 10 }, (_, i) => ({ code: `2201221${String(i).padStart(2, '0')}`, weight: 1 }));
  FIELD[0]!.weight = townshipWeight({ reports: 5, overdue: 2, substantiated: 2, staleVillages: 1 });
  const DRAWS = 2000;

  it('over 2,000 seeds favours the flagged township in the weighted part', () => {
    expect(FIELD[0]!.weight).toBe(17);
    let flagged = 0;
    let plain = 0;
    let weightedSlots = 0;
    for (let i = 0; i < DRAWS; i++) {
      const plan = drawPlan(FIELD, { seed: `weighted-${i}`, count: 3, randomCount: 1 });
      for (const d of plan.filter((p) => p.drawnBy === 'weighted')) {
        weightedSlots += 1;
        if (d.code === FLAGGED) flagged += 1;
        if (d.code === PLAIN) plain += 1;
      }
    }
    expect(weightedSlots).toBe(2 * DRAWS);
    expect(plain).toBeGreaterThan(0);
    expect(flagged / plain).toBeGreaterThan(2);
    // With one weighted pick among all ten (no random part), P(flagged) = 17/26 ≈ 0.654.
    let first = 0;
    for (let i = 0; i < DRAWS; i++) if (drawPlan(FIELD, { seed: `w1-${i}`, count: 1, randomCount: 0 })[0]!.code === FLAGGED) first += 1;
    expect(first / DRAWS).toBeGreaterThan(0.6);
    expect(first / DRAWS).toBeLessThan(0.71);
  });

  it('leaves the uniform part unaffected by weights', () => {
    const counts = new Map<string, number>(FIELD.map((c) => [c.code, 0]));
    for (let i = 0; i < DRAWS; i++) {
      const [d] = drawPlan(FIELD, { seed: `uniform-${i}`, count: 4, randomCount: 1 });
      expect(d!.drawnBy).toBe('random');
      counts.set(d!.code, counts.get(d!.code)! + 1);
    }
    const expected = DRAWS / FIELD.length; // 200 each
    // The flagged township is not favoured: binomial(2000, 0.1) has sd ≈ 13.4; ±60 is 4.5 sd.
    expect(counts.get(FLAGGED)!).toBeGreaterThan(expected - 60);
    expect(counts.get(FLAGGED)!).toBeLessThan(expected + 60);
    // Chi-square over ten cells (9 degrees of freedom): 27.9 is the 0.1% critical value.
    const chi = [...counts.values()].reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(27.9);
  });
});
