// The demo declarations raise each kind of flag, on the demo rosters or on their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoDeclarations } from '../../src/demo/cross-checks.js';
import { seedDemoDisclosure } from '../../src/demo/disclosure.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let withRosters: TestApp, alone: TestApp;
beforeAll(async () => {
  [withRosters, alone] = await Promise.all([makeApp(), makeApp()]);
});
afterAll(async () => {
  await withRosters.close();
  await alone.close();
});

describe('seedDemoDeclarations', () => {
  it('after the demo rosters: a dozen declarants and every kind of flag, once', async () => {
    expect(await seedDemoDisclosure(withRosters.app.deps)).not.toBeNull();
    const summary = await seedDemoDeclarations(withRosters.app.deps);
    expect(summary).not.toBeNull();
    expect(summary!.declarants).toBe(12);
    expect(summary!.recipientsAdded).toBe(0);
    expect(summary!.flags.declared).toBeGreaterThanOrEqual(1);
    expect(summary!.flags.declarant_receives).toBeGreaterThanOrEqual(1);
    expect(summary!.flags.possible_relative).toBeGreaterThanOrEqual(1);
    expect(await seedDemoDeclarations(withRosters.app.deps)).toBeNull();
  });

  it('without rosters: adds a few recipients of its own', async () => {
    const summary = await seedDemoDeclarations(alone.app.deps);
    expect(summary!.recipientsAdded).toBeGreaterThan(0);
    expect(Object.values(summary!.flags).every((n) => n >= 1)).toBe(true);
  });
});
