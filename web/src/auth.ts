// Sign-in against the Cognito user pool: USER_PASSWORD_AUTH with an email address or
// phone number, NEW_PASSWORD_REQUIRED on the first sign-in, SOFTWARE_TOKEN_MFA (an
// authenticator app's code) for a login with an app, forgotten passwords with the emailed
// code, refresh before the ID token expires, sign-out; and what a signed-in person does
// with their own login: set up or switch off an authenticator app (TOTP), prove a new
// phone number with the code texted to it.
//
// These are Cognito's public JSON calls (no AWS credentials, the app client has no
// secret), so a few `fetch`es do what an SDK would, for a fraction of its size.
// `config.json` names the endpoint: `https://cognito-idp.<region>.amazonaws.com/` in AWS,
// `/cognito/` on the local gateway.

export interface Config {
  cognito_url: string;
  client_id: string;
  region: string;
}

export interface Tokens {
  id: string;
  access: string;
  refresh: string;
  /** When the ID token expires (ms since the epoch). */
  expires: number;
}

/** A Cognito error: `kind` is its `__type` (say `NotAuthorizedException`). */
export class CognitoError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** A sign-in that goes on: the challenge's session, answered for this username. */
export interface Challenge {
  session: string;
  username: string;
}

export type SignInResult = { tokens: Tokens } | { newPassword: Challenge } | { code: Challenge };

/** What Cognito holds of the signed-in login (`GetUser`). */
export interface Login {
  /** Whether it signs in with an authenticator app. */
  totp: boolean;
  /** The number it signs in with (a new one waits for its code until then), if any. */
  phone: string | null;
  phoneVerified: boolean;
}

const STORAGE = 'portico.session';
// Refresh this long before the ID token expires.
const EARLY_MS = 5 * 60 * 1000;

let config: Config;
let tokens: Tokens | null = null;
let refreshing: Promise<Tokens | null> | null = null;
let timer: number | undefined;
let onSignedOut: (reason: 'expired' | 'signed-out') => void = () => {};

export async function loadConfig(): Promise<Config> {
  const res = await fetch('/config.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  config = (await res.json()) as Config;
  // The session lives as long as the browser tab: nothing outlives a closed tab.
  const saved = sessionStorage.getItem(STORAGE);
  if (saved) {
    tokens = JSON.parse(saved) as Tokens;
    schedule();
  }
  return config;
}

export function whenSignedOut(handler: (reason: 'expired' | 'signed-out') => void): void {
  onSignedOut = handler;
}

export function signedIn(): boolean {
  return tokens !== null;
}

async function call<T>(action: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(config.cognito_url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const kind = String(json.__type ?? 'Error').split('#').pop() ?? 'Error';
    throw new CognitoError(kind, String(json.message ?? json.Message ?? res.statusText));
  }
  return json as T;
}

interface AuthResult {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
}

interface InitiateAuthResponse {
  AuthenticationResult?: AuthResult;
  ChallengeName?: string;
  Session?: string;
}

/** A JWT's claims, as the token says (the API verifies them; the app only reads them to
 * choose what to show). */
function claimsOf(jwt: string): Record<string, unknown> {
  try {
    const base64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function expiryOf(jwt: string, fallbackSeconds: number): number {
  const exp = claimsOf(jwt).exp;
  return typeof exp === 'number' ? exp * 1000 : Date.now() + fallbackSeconds * 1000;
}

function keep(result: AuthResult, refresh?: string): Tokens {
  tokens = {
    id: result.IdToken,
    access: result.AccessToken,
    refresh: result.RefreshToken ?? refresh ?? '',
    expires: expiryOf(result.IdToken, result.ExpiresIn),
  };
  sessionStorage.setItem(STORAGE, JSON.stringify(tokens));
  schedule();
  return tokens;
}

function schedule(): void {
  window.clearTimeout(timer);
  if (!tokens) return;
  const wait = Math.max(0, tokens.expires - Date.now() - EARLY_MS);
  timer = window.setTimeout(() => void refresh(), wait);
}

/** Email addresses as typed; phone numbers without spaces, dashes or brackets. */
export function normaliseUsername(input: string): string {
  const trimmed = input.trim();
  if (trimmed.includes('@')) return trimmed;
  const digits = trimmed.replace(/[\s\-().]/g, '');
  return digits.startsWith('00') ? `+${digits.slice(2)}` : digits;
}

/** Signed in, or the next question Cognito asks: a new password, an app's code. */
function outcome(out: InitiateAuthResponse, username: string): SignInResult {
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED' && out.Session) {
    return { newPassword: { session: out.Session, username } };
  }
  if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && out.Session) {
    return { code: { session: out.Session, username } };
  }
  if (!out.AuthenticationResult) throw new CognitoError('Unsupported', out.ChallengeName ?? 'no tokens');
  return { tokens: keep(out.AuthenticationResult) };
}

/** A code as typed (`123 456`, `123-456`): its six digits, or null if it has not six. */
export function typedCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

export async function signIn(username: string, password: string): Promise<SignInResult> {
  const out = await call<InitiateAuthResponse>('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: config.client_id,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return outcome(out, username);
}

/** Answers NEW_PASSWORD_REQUIRED; a login with an app is asked for its code next. */
export async function chooseNewPassword(challenge: Challenge, password: string): Promise<SignInResult> {
  const out = await call<InitiateAuthResponse>('RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: config.client_id,
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: password },
  });
  return outcome(out, challenge.username);
}

/** Answers SOFTWARE_TOKEN_MFA with the authenticator app's current code. Cognito says
 * `CodeMismatchException` for a wrong code, `ExpiredCodeException` for one used already. */
export async function answerCode(challenge: Challenge, code: string): Promise<SignInResult> {
  const out = await call<InitiateAuthResponse>('RespondToAuthChallenge', {
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    ClientId: config.client_id,
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: code },
  });
  return outcome(out, challenge.username);
}

export async function forgotPassword(username: string): Promise<void> {
  await call('ForgotPassword', { ClientId: config.client_id, Username: username });
}

export async function confirmForgotPassword(username: string, code: string, password: string): Promise<void> {
  await call('ConfirmForgotPassword', {
    ClientId: config.client_id,
    Username: username,
    ConfirmationCode: code,
    Password: password,
  });
}

/** A fresh ID token from the refresh token; null (and signed out) if that fails. */
export function refresh(): Promise<Tokens | null> {
  if (!tokens) return Promise.resolve(null);
  const current = tokens;
  refreshing ??= call<InitiateAuthResponse>('InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: config.client_id,
    AuthParameters: { REFRESH_TOKEN: current.refresh },
  })
    .then((out) => (out.AuthenticationResult ? keep(out.AuthenticationResult, current.refresh) : null))
    .catch(() => null)
    .then((t) => {
      refreshing = null;
      if (!t) end('expired');
      return t;
    });
  return refreshing;
}

/** The tokens, refreshed first if they are about to expire. */
async function current(): Promise<Tokens | null> {
  if (!tokens) return null;
  if (tokens.expires - Date.now() < 60_000) return refresh();
  return tokens;
}

/** The ID token the API takes, refreshed first if it is about to expire. */
export async function idToken(): Promise<string | null> {
  return (await current())?.id ?? null;
}

/** The access token Cognito's own calls about the login take. */
async function accessToken(): Promise<string> {
  const t = await current();
  if (!t) throw new CognitoError('NotAuthorizedException', 'signed out');
  return t.access;
}

/** The signed-in login's claims (none when signed out). */
export function claims(): Record<string, unknown> {
  return tokens ? claimsOf(tokens.id) : {};
}

/** Whom the signed-in login is for: office staff (a tenant's admins) have their own
 * pages; everyone else gets the member portal, and the API says what they may see. */
export function isOfficeStaff(): boolean {
  const groups = claims()['cognito:groups'];
  const list = Array.isArray(groups) ? groups.map(String) : String(groups ?? '').split(/[\s,[\]"]+/);
  return list.includes('tenant-admin');
}

interface GetUserResponse {
  UserAttributes?: { Name: string; Value: string }[];
  UserMFASettingList?: string[];
}

export async function getLogin(): Promise<Login> {
  const out = await call<GetUserResponse>('GetUser', { AccessToken: await accessToken() });
  const attribute = (name: string) => out.UserAttributes?.find((a) => a.Name === name)?.Value ?? null;
  return {
    totp: (out.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA'),
    phone: attribute('phone_number'),
    phoneVerified: attribute('phone_number_verified') === 'true',
  };
}

/** The first step of adding an authenticator app: a new secret (base32) for it. */
export async function newAuthenticatorSecret(): Promise<string> {
  const out = await call<{ SecretCode: string }>('AssociateSoftwareToken', { AccessToken: await accessToken() });
  return out.SecretCode;
}

/** The app's first code proves it holds the secret (`EnableSoftwareTokenMFAException`
 * when wrong); then every sign-in asks for a code. */
export async function switchOnAuthenticator(code: string): Promise<void> {
  await call('VerifySoftwareToken', { AccessToken: await accessToken(), UserCode: code, FriendlyDeviceName: 'Authenticator app' });
  await setAuthenticator(true);
}

/** Sign-ins ask for the app's code (`true`) or no longer do. */
export async function setAuthenticator(enabled: boolean): Promise<void> {
  await call('SetUserMFAPreference', {
    AccessToken: await accessToken(),
    SoftwareTokenMfaSettings: { Enabled: enabled, PreferredMfa: enabled },
  });
}

/** Asks Cognito to text a new code to the phone number waiting for one. */
export async function sendPhoneCode(): Promise<void> {
  await call('GetUserAttributeVerificationCode', { AccessToken: await accessToken(), AttributeName: 'phone_number' });
}

/** The texted code makes the waiting number the one the login signs in with. */
export async function confirmPhone(code: string): Promise<void> {
  await call('VerifyUserAttribute', { AccessToken: await accessToken(), AttributeName: 'phone_number', Code: code });
}

function end(reason: 'expired' | 'signed-out'): void {
  tokens = null;
  window.clearTimeout(timer);
  sessionStorage.removeItem(STORAGE);
  onSignedOut(reason);
}

export async function signOut(): Promise<void> {
  const refreshToken = tokens?.refresh;
  // Revoking the refresh token ends the session for good, not only in this tab.
  if (refreshToken) {
    await call('RevokeToken', { ClientId: config.client_id, Token: refreshToken }).catch(() => undefined);
  }
  end('signed-out');
}
