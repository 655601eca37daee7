// Filling the public report form in Chromium as a villager does, with script on: a category, the
// place level by level (each select waits for the next level's options), and the description.
import { expect } from 'vitest';
import type { Page } from '../helpers/browser.js';

type Locator = ReturnType<Page['locator']>;

/** The form's steps with each field found by `field` (its Chinese label, or its id in any language). */
async function fillWith(page: Page, description: string, category: Locator, field: (id: string, label: string) => Locator): Promise<void> {
  await category.check();
  await field('prefecture', '市（州）').selectOption('220100');
  await expect.poll(() => page.locator('#county option[value="220102"]').count()).toBe(1);
  await field('county', '县（市、区）').selectOption('220102');
  await expect.poll(() => page.locator('#township option[value="220102001"]').count()).toBe(1);
  await field('township', '乡镇（街道）').selectOption('220102001');
  await expect.poll(() => page.locator('#village option').count()).toBeGreaterThan(2);
  await field('village', '村（社区）').selectOption({ index: 1 });
  await field('description', '具体情况').fill(description);
}

export async function fillReportForm(page: Page, description: string): Promise<void> {
  await fillWith(page, description, page.getByLabel(/优亲厚友/), (_id, label) => page.getByLabel(label));
}

/**
 * The same in any language (the page in ko or en): fields found by their ids and values, not by
 * their Chinese labels. The first category, the same place as fillReportForm.
 */
export async function fillReportFormByField(page: Page, description: string): Promise<void> {
  await fillWith(page, description, page.locator('#field-category input[type="radio"]').first(), (id) => page.locator(`#${id}`));
}
