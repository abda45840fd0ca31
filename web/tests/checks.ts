// What a journey checks on every page it reaches: a screenshot, axe's WCAG A/AA rules
// (the violations collected, to be expected empty at the end), and at phone width no
// sideways scrolling.

import { expect, type Page } from '@playwright/test';
import { accessibilityViolations, shot } from './stack';

/** `check(name)` for `page`, adding what axe finds to `violations`. */
export function checker(page: Page, violations: string[], phone = false): (name: string) => Promise<void> {
  return async (name) => {
    await shot(page, name);
    violations.push(...(await accessibilityViolations(page)).map((v) => `${name}: ${v}`));
    if (phone) expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), name).toBeLessThanOrEqual(0);
  };
}
