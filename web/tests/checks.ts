// What a journey checks on every page it reaches: a screenshot, axe's WCAG A/AA rules
// (the violations collected, to be expected empty at the end), and at phone width no
// sideways scrolling.

import { expect, type Locator, type Page } from '@playwright/test';
import { accessibilityViolations, shot } from './stack';

/** `check(name)` for `page`, adding what axe finds to `violations`. */
export function checker(page: Page, violations: string[], phone = false): (name: string) => Promise<void> {
  return async (name) => {
    await shot(page, name);
    violations.push(...(await accessibilityViolations(page)).map((v) => `${name}: ${v}`));
    if (phone) expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), name).toBeLessThanOrEqual(0);
  };
}

/** The screen's notice (a status region), never a list's "Loading…" (also a status, shown
 * while the list reloads after the action the notice is about). */
export function notice(page: Page): Locator {
  return page.getByRole('status').and(page.locator(':not(.loading)'));
}
