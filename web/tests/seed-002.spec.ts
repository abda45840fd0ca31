// Seed 002 ("Creating a Client Portal user"), through the console as it is: the office
// adds a contact with a notification role to a customer, then "Create user" makes a
// portal member of them and mails the invitation; their rights are ticked on the members
// screen; they sign in. Later they have trouble signing in, and the office re-establishes
// their password: their old one is refused with the reset's words, and they choose a new
// one with a mailed code. In English at desktop width, and in Dutch at 390 px (a Dutch
// member; also checked for sideways scrolling); every page checked by axe.

import { expect, test, type Page } from '@playwright/test';
import { adminToken, api, latestMail, memberFirstSignIn, signInNewAdmin, temporaryPassword } from './stack';
import { checker } from './checks';

/** What the journey reads and clicks, in the console's and the portal's words. */
const EN = {
  dutch: false, suffix: '', customers: 'Customers', name: 'Name', addCustomer: 'Add customer', added: (n: string) => `${n} is added.`,
  contacts: 'Contacts', first: 'First name', last: 'Last name', email: 'Email address', role: 'Notification role', addContact: 'Add contact',
  billing: 'Billing', notMember: 'No', createUser: 'Create user', locale: 'Language of the invitation', message: 'Personal message in the invitation',
  createUserGo: 'Create user and invite', userCreated: (n: string) => `${n} is now a portal member and is invited.`,
  isMember: 'Yes: a member was made of this contact', members: 'Members', customer: 'Customer', show: 'Show members',
  adminBox: "Admin of their customer (every permission, and they manage their customer's members)", boxes: ['See jobs', 'Request work'],
  save: 'Save changes', saved: 'Changes saved.', portal: 'Portal sections', tabs: ['Home', 'Jobs', 'Work requests', 'Sites'], signOut: 'Sign out',
  reset: 'Reset password', wasReset: (n: string) => `${n} gets an email with a code to choose a new password.`,
  username: 'Email address or phone number', password: 'Password', signIn: 'Sign in',
  resetWords: 'Your password was reset by your service provider. Choose a new one with the code we emailed you.',
  code: 'Code from the email', back: 'Back to sign-in', forgot: 'Forgot your password?', sendCode: 'Email me a code', newPassword: 'New password',
  setPassword: 'Set new password', changed: 'Your password is changed. Sign in with it now.',
};
const NL: typeof EN = {
  dutch: true, suffix: '-nl-phone', customers: 'Klanten', name: 'Naam', addCustomer: 'Klant toevoegen', added: (n) => `${n} is toegevoegd.`,
  contacts: 'Contactpersonen', first: 'Voornaam', last: 'Achternaam', email: 'E-mailadres', role: 'Meldingsrol', addContact: 'Contactpersoon toevoegen',
  billing: 'Facturatie', notMember: 'Nee', createUser: 'Gebruiker aanmaken', locale: 'Taal van de uitnodiging', message: 'Persoonlijk bericht in de uitnodiging',
  createUserGo: 'Gebruiker aanmaken en uitnodigen', userCreated: (n) => `${n} is nu portaallid en is uitgenodigd.`,
  isMember: 'Ja: van deze contactpersoon is een lid gemaakt', members: 'Leden', customer: 'Klant', show: 'Leden tonen',
  adminBox: 'Beheerder van de eigen klant (alle rechten, en beheert de leden van de klant)', boxes: ['Werkorders inzien', 'Werk aanvragen'],
  save: 'Wijzigingen opslaan', saved: 'Wijzigingen opgeslagen.', portal: 'Onderdelen van het portaal', tabs: ['Start', 'Werkorders', 'Aanvragen', 'Locaties'], signOut: 'Afmelden',
  reset: 'Wachtwoord resetten', wasReset: (n) => `${n} krijgt een e-mail met een code om een nieuw wachtwoord te kiezen.`,
  username: 'E-mailadres of telefoonnummer', password: 'Wachtwoord', signIn: 'Inloggen',
  resetWords: 'Uw wachtwoord is door uw dienstverlener opnieuw ingesteld. Kies een nieuw wachtwoord met de code die wij u mailden.',
  code: 'Code uit de e-mail', back: 'Terug naar inloggen', forgot: 'Wachtwoord vergeten?', sendCode: 'Mail mij een code', newPassword: 'Nieuw wachtwoord',
  setPassword: 'Nieuw wachtwoord instellen', changed: 'Uw wachtwoord is gewijzigd. Log er nu mee in.',
};

const journey = (w: typeof EN) => async ({ page }: { page: Page }) => {
  // A whole help-centre page, office and member: longer than one screen's journey.
  test.slow();
  const violations: string[] = [];
  const check = (p: Page, name: string) => checker(p, violations, w.dutch)(`${name}${w.suffix}`);
  const stamp = Date.now();
  const customerName = `Sweven Clinics ${stamp}`;
  const email = `cleo.${stamp}@sweven.test`;
  const status = page.getByRole('status');

  await signInNewAdmin(page, 'Rhea', w.dutch ? 'Rollen' : 'Roles', w.dutch);
  const menu = page.getByRole('navigation', { name: 'Console' });
  await menu.getByRole('link', { name: w.customers }).click();
  await expect(page.getByRole('heading', { name: w.customers, level: 1 })).toBeFocused();
  await page.getByLabel(w.name, { exact: true }).fill(customerName);
  await page.getByRole('button', { name: w.addCustomer }).click();
  await expect(status).toHaveText(w.added(customerName));
  await page.locator('#customer-tree').getByRole('link', { name: customerName, exact: true }).click();
  await expect(page.getByRole('heading', { name: customerName, level: 1 })).toBeFocused();

  // The contact, with a role for notifications ("Contacts", "+Add").
  const contacts = page.getByRole('region', { name: w.contacts });
  await contacts.getByLabel(w.first).fill('Cleo');
  await contacts.getByLabel(w.last).fill('Contact');
  await contacts.getByLabel(w.email).fill(email);
  await contacts.getByLabel(w.role).fill('billing');
  await contacts.getByRole('button', { name: w.addContact }).click();
  await expect(status).toHaveText(w.added('Cleo Contact'));
  const card = contacts.locator('[data-contact]').filter({ hasText: 'Cleo Contact' });
  await expect(card).toContainText(w.billing);
  await expect(card).toContainText(w.notMember);
  const customerId = /\/office\/customers\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
  const contactsOf = async () => (await api(adminToken(), 'GET', `/admin/customers/${customerId}/contacts`)).items;
  expect((await contactsOf())[0]).toMatchObject({ email, role: 'billing', member_id: null });
  await check(page, 's-002-1-contact');

  // "Create user": a member of the contact, invited with a message in their language.
  await card.getByRole('button', { name: `${w.createUser} Cleo Contact` }).click();
  await expect(page.getByLabel(w.locale)).toBeFocused();
  await page.getByLabel(w.locale).selectOption(w.dutch ? 'nl' : 'en');
  await page.getByLabel(w.message).fill('Cleo, you can follow your clinics’ work orders here.');
  await check(page, 's-002-2-create-user');
  await page.getByRole('button', { name: w.createUserGo }).click();
  await expect(status).toHaveText(w.userCreated('Cleo Contact'));
  await expect(card).toContainText(w.isMember);
  await expect(card.getByRole('button', { name: new RegExp(w.createUser) })).toHaveCount(0);
  const memberId = (await contactsOf())[0].member_id as string;
  // The customer's first user is its admin (every right), as the API makes it.
  expect(await api(adminToken(), 'GET', `/admin/members/${memberId}`)).toMatchObject({
    email, status: 'invited', first_name: 'Cleo', admin: true, locale: w.dutch ? 'nl' : 'en',
  });
  expect(await latestMail(email)).toContain('you can follow your clinics’ work orders here');

  // Their rights, on the members screen: not the customer's admin, but jobs and work requests.
  await menu.getByRole('link', { name: w.members }).click();
  await page.getByLabel(w.customer, { exact: true }).selectOption(customerId);
  await page.getByRole('button', { name: w.show }).click();
  await page.getByRole('link', { name: 'Cleo Contact' }).click();
  await expect(page.getByRole('heading', { name: 'Cleo Contact', level: 1 })).toBeFocused();
  const adminBox = page.getByLabel(w.adminBox, { exact: true });
  await expect(adminBox).toBeChecked();
  await adminBox.uncheck();
  for (const box of w.boxes) await page.getByLabel(box, { exact: true }).check();
  await page.getByRole('button', { name: w.save }).click();
  await expect(status).toHaveText(w.saved);
  const rights = await api(adminToken(), 'GET', `/admin/members/${memberId}`);
  expect(rights.admin).toBe(false);
  expect([...rights.permissions].sort()).toEqual(['create_work_requests', 'view_jobs']);

  // They sign in with the mailed password and choose their own.
  const member = await page.context().newPage();
  await memberFirstSignIn(member, email, await temporaryPassword(email), 'Cleo-Contact-2026!');
  await expect(member.getByRole('navigation', { name: w.portal }).getByRole('link')).toHaveText(w.tabs);
  await member.getByRole('button', { name: w.signOut }).click();

  // Login trouble: the office re-establishes their password.
  await page.getByRole('button', { name: `${w.reset} Cleo Contact` }).click();
  await expect(status).toHaveText(w.wasReset('Cleo Contact'));
  await check(page, 's-002-3-password-reset');

  // Their old password no longer signs them in: the page says why and asks for the code.
  await member.getByLabel(w.username).fill(email);
  await member.getByLabel(w.password, { exact: true }).fill('Cleo-Contact-2026!');
  await member.getByRole('button', { name: w.signIn, exact: true }).click();
  await expect(member.getByRole('status')).toHaveText(w.resetWords);
  await expect(member.getByLabel(w.code)).toBeVisible();
  await check(member, 's-002-4-member-reset');
  // Cognito mails that code (the local stack does not show it to a browser): they ask for
  // a fresh one, as a member whose mail went astray would.
  await member.getByRole('button', { name: w.back }).click();
  await member.getByRole('button', { name: w.forgot }).click();
  await expect(member.getByLabel(w.username)).toHaveValue(email);
  const answer = member.waitForResponse((r) => r.url().endsWith('/cognito/') && 'x-moto-forgot-password-confirmation-code' in r.headers());
  await member.getByRole('button', { name: w.sendCode }).click();
  const code = (await answer).headers()['x-moto-forgot-password-confirmation-code'];
  await member.getByLabel(w.code).fill(code);
  await member.getByLabel(w.newPassword, { exact: true }).fill('Cleo-Again-2026!');
  await member.getByRole('button', { name: w.setPassword }).click();
  await expect(member.getByRole('status')).toHaveText(w.changed);
  await member.getByLabel(w.password, { exact: true }).fill('Cleo-Again-2026!');
  await member.getByRole('button', { name: w.signIn, exact: true }).click();
  await expect(member.getByRole('heading', { name: /^(Hello|Hallo) Cleo$/, level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
};

test('002: a contact with a role becomes a user, and the office re-establishes their password', journey(EN));

test.describe('in Dutch at phone width', () => {
  test.use({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });
  test('002: een contactpersoon met een rol wordt gebruiker, en het kantoor stelt het wachtwoord opnieuw in', journey(NL));
});
