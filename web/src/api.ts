// The Portico API on the page's own origin (docs/web.md): the member's ID token as the
// bearer, problem+json errors as `Problem`s, an Idempotency-Key on every creating POST so
// that a retry after a lost answer creates nothing twice.

import { idToken } from './auth';

export interface FieldError {
  field: string;
  message: string;
}

/** The API's problem type for a token without the second factor it needs. */
export const MFA_REQUIRED = 'https://portico.dev/problems/mfa-required';

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** The problem's `type` (say `MFA_REQUIRED`), when the API gave one. */
    readonly type = '',
  ) {
    super(detail || title);
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function send(method: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const token = await idToken();
  if (!token) throw new Problem(401, 'Unauthorized', 'Your session has ended. Please sign in again.');
  const res = await fetch(path, {
    ...init,
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...init.headers },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as Partial<Problem> & { message?: string };
    throw new Problem(res.status, body.title ?? res.statusText, body.detail ?? body.message ?? '', body.errors ?? [], body.type ?? '');
  }
  return res;
}

export async function get<T>(path: string, query?: Query): Promise<T> {
  return (await (await send('GET', withQuery(path, query))).json()) as T;
}

/** The body and its ETag (for a conditional update). */
export async function getTagged<T>(path: string): Promise<{ body: T; etag: string | null }> {
  const res = await send('GET', path);
  return { body: (await res.json()) as T, etag: res.headers.get('etag') };
}

export async function post<T>(path: string, body: unknown, idempotencyKey = crypto.randomUUID()): Promise<T> {
  const res = await send('POST', path, {
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body ?? {}),
  });
  return (await res.json().catch(() => ({}))) as T;
}

export async function patch<T>(path: string, body: unknown, etag: string | null): Promise<{ body: T; etag: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (etag) headers['if-match'] = etag;
  const res = await send('PATCH', path, { headers, body: JSON.stringify(body) });
  return { body: (await res.json()) as T, etag: res.headers.get('etag') };
}

/** Saves an API answer (a CSV export) as a file. */
export async function download(path: string, query: Query, accept: string, fallbackName: string): Promise<void> {
  const res = await send('GET', withQuery(path, query), { headers: { accept } });
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Follows a download link (`{url}` of a short-lived presigned address). */
export async function openDownload(path: string): Promise<void> {
  const { url } = await get<{ url: string }>(path);
  window.location.assign(url);
}

interface Upload {
  file_id: string;
  upload_url: string;
  method: string;
  headers: Record<string, string>;
}

/** Uploads `file` (POST /portal/uploads, then the presigned PUT); its file id. */
export async function upload(file: File): Promise<string> {
  const started = await post<Upload>('/portal/uploads', {
    file_name: file.name,
    content_type: file.type || 'application/octet-stream',
    size: file.size,
  });
  const put = await fetch(started.upload_url, { method: started.method, headers: started.headers, body: file });
  if (!put.ok) throw new Problem(put.status, 'Upload failed', `${file.name} could not be uploaded (${put.status}).`);
  return started.file_id;
}

/** Uploads every file chosen in `input`, side by side; their file ids. */
export function uploadAll(input: HTMLInputElement): Promise<string[]> {
  return Promise.all(Array.from(input.files ?? []).map(upload));
}
