// Paying invoices in the member portal (issue 28, docs/decisions/0004-payments.md): the
// demo member opens Invoices, filters the overdue ones, pays one on the local Stripe's
// hosted page and comes back to "Payment received" and the invoice paid; "Pay all
// overdue" is offered beside them. In Dutch at phone width, a member of the same customer
// is refused when the balance changed after the page was drawn (the API's words in the
// status region), fails on the payment page and cancels back to "not completed" (with
// the processor's reason), and then pays the same payment.
//
// Paying changes the demo data other journeys read (home's "To pay", the records'
// INV-2026-0311, view-as's invoices), so neither run pays a seeded invoice: each pays an
// overdue invoice of its own, filed through the admin API for the demo member's
// customer with a number of its own — the en and nl runs never need the same invoice,
// and the seeded ones stay as they are. Every portal page is checked by axe (the local
// Stripe's page is not ours: only its screenshot).

import { expect, test, type Page } from '@playwright/test';
import { checker } from './checks';
import { adminToken, api, invitedMember, memberFirstSignIn, shot, signIn, stack, tokenOf } from './stack';

const DAY = 86_400_000;

/** A new overdue invoice of the demo member's customer (issued 60 days ago, due 30 days
 * ago, nothing paid): its back-office reference and printed number. */
async function overdueInvoice(tag: string, total: number) {
  const me = await api(await tokenOf(stack.demo), 'GET', '/portal/me');
  const stamp = Date.now();
  const reference = `INV-WEB-${tag}-${stamp}`;
  const number = `W-${tag}-${stamp}`;
  const body = {
    customer_id: me.customer_id as string, number, currency: 'EUR', total, amount_paid: 0,
    issued_at: new Date(stamp - 60 * DAY).toISOString(), due_at: new Date(stamp - 30 * DAY).toISOString(),
  };
  await api(adminToken(), 'PUT', `/admin/invoices/${reference}`, body);
  return { reference, number, body };
}

/** The invoice's row on the page. */
const row = (page: Page, number: string) => page.getByRole('row').filter({ hasText: number });

test('the demo member pays an overdue invoice on the payment page and sees it paid', async ({ page }) => {
  const violations: string[] = [];
  const check = checker(page, violations);
  const { reference, number } = await overdueInvoice('EN', 12_345);

  await signIn(page, stack.demo);
  await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Invoices' }).click();
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeFocused();
  await page.getByRole('navigation', { name: 'Invoices' }).getByRole('link', { name: 'Overdue' }).click();
  await expect(page).toHaveURL(/\/invoices\?status=overdue$/);
  await expect(row(page, number)).toContainText('Overdue');
  // Overdue invoices in one currency: "Pay all overdue" with what they come to.
  await expect(page.getByRole('button', { name: /^Pay all overdue: €/ })).toBeVisible();
  // Paid invoices have no Pay button (the demo has one paid).
  await page.getByRole('navigation', { name: 'Invoices' }).getByRole('link', { name: 'Paid' }).click();
  await expect(page).toHaveURL(/\/invoices\?status=paid$/);
  await expect(page.locator('tbody tr').first()).toContainText('Paid');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Invoices' }).getByRole('link', { name: 'Overdue' }).click();
  await check('pay-1-overdue');

  await row(page, number).getByRole('button', { name: `Pay ${number}`, exact: true }).click();
  await expect(page).toHaveURL(/\/stripe\/pay\/cs_/);
  await expect(page.locator('#amount')).toHaveText('€123.45');
  await shot(page, 'pay-2-stripe');
  await page.locator('#method-card').check();
  await page.locator('#pay').click();

  // Back in the portal: the payment's outcome, and the invoice paid in the list.
  await expect(page).toHaveURL(/\/invoices\?payment=pay_/);
  await expect(page.locator('#payment-status')).toHaveText('Payment received: €123.45. Thank you.');
  await expect(row(page, number)).toContainText('Paid');
  await expect(row(page, number).getByRole('button', { name: /^Pay/ })).toHaveCount(0);
  await check('pay-3-received');
  const stored = await api(adminToken(), 'GET', `/admin/invoices/${reference}`);
  expect(stored).toMatchObject({ status: 'paid', balance: 0 });
  expect(violations).toEqual([]);
});

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });

  test('een lid wordt geweigerd bij een gewijzigd saldo, ziet een mislukte betaling en betaalt daarna', async ({ page }) => {
    const violations: string[] = [];
    const check = checker(page, violations, true);
    const { reference, number, body } = await overdueInvoice('NL', 20_000);
    const { email, temporary } = await invitedMember('Pieter', 'Betaal', ['view_invoices', 'pay_invoices'], 'nl');
    await memberFirstSignIn(page, email, temporary, 'Pieter-Betaal-2026!');
    await page.getByRole('navigation', { name: 'Onderdelen van het portaal' }).getByRole('link', { name: 'Facturen' }).click();
    await page.getByRole('navigation', { name: 'Facturen' }).getByRole('link', { name: 'Vervallen' }).click();
    await expect(row(page, number)).toContainText(/€\s200,00/);
    await expect(page.getByRole('button', { name: /^Alle vervallen facturen betalen: €/ })).toBeVisible();
    await check('pay-nl-1-overdue');

    // The back office books a part payment after the page was drawn: the shown balance is
    // refused (409), in the API's words, in the page's status region.
    await api(adminToken(), 'PUT', `/admin/invoices/${reference}`, { ...body, amount_paid: 5_000 });
    const pay = () => row(page, number).getByRole('button', { name: `Betalen ${number}`, exact: true });
    await pay().click();
    const status = page.locator('#payment-status');
    await expect(status).toHaveClass(/problem/);
    await expect(status).toBeFocused();
    await check('pay-nl-2-balance-changed');

    // Read again: the new balance, and a payment that fails on the payment page.
    await page.reload();
    await expect(row(page, number)).toContainText(/€\s150,00/);
    await pay().click();
    await expect(page).toHaveURL(/\/stripe\/pay\/cs_/);
    await expect(page.locator('#amount')).toHaveText('€150.00');
    await page.locator('#method-ideal').check();
    await page.locator('#fail-payment').click();
    await expect(page.locator('#payment-error')).toBeVisible();
    await shot(page, 'pay-nl-3-stripe-failed');
    await page.locator('#cancel').click();
    await expect(page).toHaveURL(/\/invoices\?payment=pay_/);
    await expect(status).toContainText('Betaling niet voltooid.');
    await expect(row(page, number)).toContainText('Vervallen');
    await check('pay-nl-4-not-completed');

    // And paid after all.
    await pay().click();
    await expect(page).toHaveURL(/\/stripe\/pay\/cs_/);
    await page.locator('#pay').click();
    await expect(page).toHaveURL(/\/invoices\?payment=pay_/);
    await expect(status).toHaveText(/^Betaling ontvangen: €\s150,00\. Dank u wel\.$/);
    await expect(row(page, number)).toContainText('Betaald');
    await check('pay-nl-5-received');
    expect(violations).toEqual([]);
  });
});
