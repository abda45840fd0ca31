// The app's pure logic, without a browser.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { Secret, TOTP, URI } from 'otpauth';
import { withQuery } from '../src/api';
import { normaliseUsername, typedCode } from '../src/auth';
import { onColour } from '../src/colour';
import { exponent, intlTag, moneyIn, moneyText } from '../src/intl';
import { groupSecret, otpauthUri } from '../src/totp';

/** The money vectors the Rust side holds its emails to as well. */
type Vector = { locale: 'en' | 'nl'; currency: string; minor_units: number; text: string };
const money: { display: Vector[]; exponents: Record<string, number> } = JSON.parse(
  readFileSync(new URL('../../shared/tests/money-display.json', import.meta.url), 'utf8'),
);

test('phone numbers are normalised for sign-in, email addresses kept', () => {
  expect(normaliseUsername(' carla@harbor.test ')).toBe('carla@harbor.test');
  expect(normaliseUsername('+31 6 1234 5001')).toBe('+31612345001');
  expect(normaliseUsername('0031-6-(1234)-5001')).toBe('+31612345001');
  expect(normaliseUsername('+31.6.12345001')).toBe('+31612345001');
});

test('text on the brand colour is whichever of black and white contrasts more', () => {
  expect(onColour('#1d4e89')).toBe('#ffffff');
  expect(onColour('#0b5cff')).toBe('#ffffff');
  expect(onColour('#ffd500')).toBe('#000000');
  expect(onColour('#ffffff')).toBe('#000000');
  expect(onColour('#000000')).toBe('#ffffff');
});

test('codes are read as typed: six digits, spaces and dashes dropped', () => {
  expect(typedCode('123456')).toBe('123456');
  expect(typedCode(' 123 456 ')).toBe('123456');
  expect(typedCode('123-456')).toBe('123456');
  expect(typedCode('12345')).toBeNull();
  expect(typedCode('1234567')).toBeNull();
  expect(typedCode('12345a')).toBeNull();
  expect(typedCode('')).toBeNull();
});

test("the otpauth URI names the portal as issuer and the login as account, as authenticator apps read it", () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const uri = otpauthUri('Northwind Facilities', 'ada@northwind.test', secret);
  expect(uri).toBe(
    'otpauth://totp/Northwind%20Facilities:ada%40northwind.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' +
      '&issuer=Northwind%20Facilities&algorithm=SHA1&digits=6&period=30',
  );
  // A well-kept parser of the format (otpauth) reads back what was meant, and its codes
  // are the secret's.
  const parsed = URI.parse(uri) as TOTP;
  expect(parsed).toBeInstanceOf(TOTP);
  expect([parsed.issuer, parsed.label, parsed.secret.base32]).toEqual(['Northwind Facilities', 'ada@northwind.test', secret]);
  expect([parsed.algorithm, parsed.digits, parsed.period]).toEqual(['SHA1', 6, 30]);
  expect(parsed.generate({ timestamp: 59_000 })).toBe(TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: 59_000 }));
});

test("an issuer's colon, characters URIs reserve and the secret's padding do not confuse the URI", () => {
  const uri = otpauthUri('Smith & Sons: Service', '+31612345678', 'jbsw y3dp ehpk 3pxp====');
  const parsed = URI.parse(uri) as TOTP;
  expect([parsed.issuer, parsed.label, parsed.secret.base32]).toEqual(['Smith & Sons Service', '+31612345678', 'JBSWY3DPEHPK3PXP']);
  expect(uri).not.toMatch(/==|\s/);
});

test('the secret is shown in groups of four', () => {
  expect(groupSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toEqual(['JBSW', 'Y3DP', 'EHPK', '3PXP', 'JBSW', 'Y3DP', 'EHPK', '3PXP']);
  expect(groupSecret('abcdefghij==')).toEqual(['ABCD', 'EFGH', 'IJ']);
  expect(groupSecret('')).toEqual([]);
});

test('a filter set to "all" is left out of the query, zero and false are kept', () => {
  expect(withQuery('/jobs', { status: 'completed', site_id: '', category: undefined, to: null })).toBe('/jobs?status=completed');
  expect(withQuery('/portal/assets', { limit: 0, unread: false, from: '2026-01' })).toBe('/portal/assets?limit=0&unread=false&from=2026-01');
  expect(withQuery('/jobs', {})).toBe('/jobs');
});

test('money reads as the emails write it, in English and Dutch (the shared vectors)', () => {
  expect(money.display.length).toBeGreaterThan(50);
  for (const v of money.display) {
    expect(moneyIn(v.locale, v.minor_units, v.currency), `${v.minor_units} ${v.currency} in ${v.locale}`).toBe(v.text);
  }
});

test("the browser's Intl writes the shared vectors as Node's does", async ({ page }) => {
  // The app formats money in Chromium, whose ICU is not Node's: the same function, run there.
  const cases = money.display.map((v) => [v.minor_units, v.currency, intlTag(v.locale), exponent(v.currency)]);
  const shown = await page.evaluate(`${JSON.stringify(cases)}.map((c) => (${moneyText.toString()})(...c))`);
  expect(shown).toEqual(money.display.map((v) => v.text));
});

test('minor units are read by ISO 4217 exponents, which the API also uses', () => {
  expect(Object.keys(money.exponents).length).toBeGreaterThan(150);
  for (const [code, digits] of Object.entries(money.exponents)) {
    expect(exponent(code), code).toBe(digits);
  }
});
