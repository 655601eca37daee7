// Filling the public report form in Chromium as a villager does, with script on: a category, the
// place level by level (each select waits for the next level's options), and the description.
import { expect } from 'vitest';
import type { Page } from '../helpers/browser.js';

export async function fillReportForm(page: Page, description: string): Promise<void> {
  await page.getByLabel(/优亲厚友/).check();
  await page.getByLabel('市（州）').selectOption('220100');
  await expect.poll(() => page.locator('#county option[value="220102"]').count()).toBe(1);
  await page.getByLabel('县（市、区）').selectOption('220102');
  await expect.poll(() => page.locator('#township option[value="220102001"]').count()).toBe(1);
  await page.getByLabel('乡镇（街道）').selectOption('220102001');
  await expect.poll(() => page.locator('#village option').count()).toBeGreaterThan(2);
  await page.getByLabel('村（社区）').selectOption({ index: 1 });
  await page.getByLabel('具体情况').fill(description);
}

/**
 * The same in any language (the page in ko or en): fields found by their ids and values, not by
 * their Chinese labels. The first category, the same place as fillReportForm.
 */
export async function fillReportFormByField(page: Page, description: string): Promise<void> {
  await page.locator('#field-category input[type="radio"]').first().check();
  await page.locator('#prefecture').selectOption('220100');
  await expect.poll(() => page.locator('#county option[value="220102"]').count()).toBe(1);
  await page.locator('#county').selectOption('220102');
  await expect.poll(() => page.locator('#township option[value="220102001"]').count()).toBe(1);
  await page.locator('#township').selectOption('220102001');
  await expect.poll(() => page.locator('#village option').count()).toBeGreaterThan(2);
  await page.locator('#village').selectOption({ index: 1 });
  await page.locator('#description').fill(description);
}
