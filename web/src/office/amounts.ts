// Approval limits as admins type them: amounts in a currency's units (`5000.00`), which
// the API keeps in minor units (`500000`), by ISO 4217's exponents (`intl.ts`). No DOM
// here, so the journeys' file tests it in Node.

import { exponent } from '../intl';

/** Minor units as a plain decimal in the currency's units (`500000` EUR: `5000.00`). */
export function majorText(minor: number, currency: string): string {
  const digits = exponent(currency);
  const all = String(minor).padStart(digits + 1, '0');
  return digits ? `${all.slice(0, -digits)}.${all.slice(-digits)}` : all;
}

/** What an admin typed (`5000`, `5000.5`, `1.500` KWD, `5.000,50`, `5,000.50`) in minor
 * units of `currency`; null if it is not an amount. One mark followed by no more digits
 * than the currency has is a decimal mark; otherwise marks between groups of three are
 * thousands marks and the last mark, if its digits fit, the decimal one. */
export function minorUnits(text: string, currency: string): number | null {
  const digits = exponent(currency);
  const clean = text.replace(/[\s']/g, '');
  const single = /^(\d+)(?:[.,](\d+))?$/.exec(clean);
  const m = single && (single[2] ?? '').length <= digits ? single : /^(\d{1,3}(?:[.,]\d{3})+)(?:[.,](\d+))?$/.exec(clean);
  if (!m) return null;
  const whole = m[1].replace(/[.,]/g, '');
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}
