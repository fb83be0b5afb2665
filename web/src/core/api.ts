import { session } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Record<string, unknown> | null,
  ) {
    super(code);
  }
}

/** Called on a 401: the session ended, so the person signs in again (the page keeps what she typed). */
let onUnauthorized: (code: string) => void = () => undefined;
export const whenUnauthorized = (f: (code: string) => void) => (onUnauthorized = f);

/** A call of /api/v1 with the person's session cookie (changes carry its CSRF token); a 401 asks her to sign in again, any other refusal is an ApiError. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  retried = false,
): Promise<Response> {
  // a page opened without network (the offline shell) has no CSRF token yet: ask for it when a change is sent
  if (method !== 'GET' && !session.csrf()) await session.load();
  const csrf = method === 'GET' ? undefined : session.csrf();
  const json = body !== undefined ? JSON.stringify(body) : undefined;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      // a decision sent as she closes the tab or swipes the app away still arrives; only small bodies
      // (the browser keeps at most 64 KB in flight this way: a file import goes without)
      keepalive: method !== 'GET' && (json?.length ?? 0) < 32_000,
      headers: {
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: json,
    });
  } catch {
    throw new ApiError(0, 'network', null);
  }
  if (res.ok) return res;
  const data = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  // the session was renewed elsewhere (signed in again in another tab): one more try with its token
  if (res.status === 403 && data?.code === 'csrf_failed' && !retried) {
    await session.load();
    return call(method, path, body, headers, true);
  }
  if (res.status === 401) {
    // member_disabled: her session ended because she was disabled (not expired); she is told so
    const code = data?.code === 'member_disabled' ? 'member_disabled' : 'unauthorized';
    onUnauthorized(code);
    throw new ApiError(401, code, data);
  }
  throw new ApiError(res.status, typeof data?.code === 'string' ? data.code : 'error', data);
}

/** The same /api/v1 every client uses, answered in JSON. */
export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await call(method, path, body, headers);
  return (await res.json().catch(() => null)) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => api<T>('POST', path, body, headers);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);

/** A file of the API (a report as CSV): fetched, then saved through a Blob link, so a failure is shown on the page instead of a raw error document. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await call('GET', path);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
