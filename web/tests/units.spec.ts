// The app's pure logic, without a browser.

import { expect, test } from '@playwright/test';
import { normaliseUsername } from '../src/auth';
import { onColour } from '../src/colour';

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
