/** A failure the caller can act on. `code` is the machine-readable contract; `message` never carries personal data. */
export class DomainError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource') => new DomainError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'this role may not do that') => new DomainError(403, 'forbidden', message);
export const unauthorized = (message = 'a valid bearer token is required') => new DomainError(401, 'unauthorized', message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(422, code, message, details);
export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(400, code, message, details);
