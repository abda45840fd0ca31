// Sign-in against the Cognito user pool, as members have it: USER_PASSWORD_AUTH with an
// email address or phone number, NEW_PASSWORD_REQUIRED on the first sign-in, forgotten
// passwords with the emailed code, refresh before the ID token expires, sign-out.
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

export type SignInResult = { tokens: Tokens } | { newPassword: { session: string; username: string } };

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

function expiryOf(jwt: string, fallbackSeconds: number): number {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    if (payload.exp) return payload.exp * 1000;
  } catch {
    // fall through
  }
  return Date.now() + fallbackSeconds * 1000;
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

export async function signIn(username: string, password: string): Promise<SignInResult> {
  const out = await call<InitiateAuthResponse>('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: config.client_id,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED' && out.Session) {
    return { newPassword: { session: out.Session, username } };
  }
  if (!out.AuthenticationResult) throw new CognitoError('Unsupported', out.ChallengeName ?? 'no tokens');
  return { tokens: keep(out.AuthenticationResult) };
}

export async function chooseNewPassword(username: string, session: string, password: string): Promise<Tokens> {
  const out = await call<InitiateAuthResponse>('RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: config.client_id,
    Session: session,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
  });
  if (!out.AuthenticationResult) throw new CognitoError('Unsupported', out.ChallengeName ?? 'no tokens');
  return keep(out.AuthenticationResult);
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

/** The ID token the API takes, refreshed first if it is about to expire. */
export async function idToken(): Promise<string | null> {
  if (!tokens) return null;
  if (tokens.expires - Date.now() < 60_000) return (await refresh())?.id ?? null;
  return tokens.id;
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
