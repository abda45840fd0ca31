// The app's languages as Intl formats them, and money: integer minor units of an ISO 4217
// currency (as the API gives amounts), written for the reader. Portico's emails write
// the same text (Rust's `money::display`); shared/tests/money-display.json holds both to
// it. No DOM here, so that the unit tests run it in Node as well as in the browser.

import type { Locale } from './i18n';

/** The Intl locale each language formats dates and numbers with. */
export function intlTag(locale: Locale): string {
  return locale === 'nl' ? 'nl-NL' : 'en-GB';
}

/** ISO 4217's minor-unit digits where they are not 2 (the API's minor units: 1500 is
 * JPY 1500, KWD 1.500). CLDR's digits, which Intl would use, differ for a few (IQD). */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function exponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** `minor` units as `tag` writes them, every minor digit shown, none rounded. Whole in
 * itself (no outside names) so that a test can run it in the browser too. */
export function moneyText(minor: number, currency: string, tag: string, digits: number): string {
  // A decimal string, which Intl reads exactly, whatever the amount's size.
  const all = Math.abs(minor).toString().padStart(digits + 1, '0');
  const units = all.slice(0, all.length - digits);
  const decimal = `${minor < 0 ? '-' : ''}${units}${digits > 0 ? `.${all.slice(all.length - digits)}` : ''}`;
  const format = new Intl.NumberFormat(tag, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return format.format(decimal as Intl.StringNumericLiteral);
}

/** Money in minor units of `currency`, for a reader of `locale`. */
export function moneyIn(locale: Locale, minor: number, currency: string): string {
  return moneyText(minor, currency, intlTag(locale), exponent(currency));
}
