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

/** The same /api/v1 every client uses, with the person's own token. */
export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const token = session.token();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', null);
  }
  const data = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.status === 401) {
    onUnauthorized();
    throw new ApiError(401, 'unauthorized', data);
  }
  if (!res.ok) throw new ApiError(res.status, typeof data?.code === 'string' ? data.code : 'error', data);
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => api<T>('POST', path, body, headers);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);

/** A file of the API (a report as CSV): fetched with the token, then saved through a Blob link, since a plain link cannot send the Authorization header. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const token = session.token();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'network', null);
  }
  if (res.status === 401) {
    onUnauthorized();
    throw new ApiError(401, 'unauthorized', null);
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    throw new ApiError(res.status, typeof data?.code === 'string' ? data.code : 'error', data);
  }
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
