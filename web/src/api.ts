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

/** Called on a 401: the token expired or was refused, so the person signs in again. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (f: () => void) => (onUnauthorized = f);

/** A call of /api/v1 with the person's own token; a 401 sends her back to sign-in, any other refusal is an ApiError. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const token = session.token();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', null);
  }
  if (res.ok) return res;
  const data = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.status === 401) {
    onUnauthorized();
    throw new ApiError(401, 'unauthorized', data);
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

/** A file of the API (a report as CSV): fetched with the token, then saved through a Blob link, since a plain link cannot send the Authorization header. */
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
