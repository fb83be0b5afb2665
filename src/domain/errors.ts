/**
 * What went wrong, in the domain's words. The kind says who must act and how (fix the input, ask
 * someone else, retry after a change); the error filter alone maps kinds to HTTP statuses.
 */
export type ErrorKind =
  | 'invalid_input' // the request is malformed or a field is out of range
  | 'unauthenticated' // no valid identity
  | 'forbidden' // this caller may not do this
  | 'not_found' // nothing of that id in the caller's scope
  | 'conflict' // the current state does not allow it (someone else changed it, or it is over)
  | 'rule_broken' // well-formed, but it breaks a rule of the network
  | 'unsupported_media_type' // the body is not of a type the operation reads
  | 'unavailable' // something the service depends on is down: retry later
  | 'busy'; // a limit of this instance is reached: retry later (details carry retryAfterSeconds)

/** A failure the caller can act on. `code` is the machine-readable contract; `message` never carries personal data. */
export class DomainError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource') => new DomainError('not_found', 'not_found', `${what} not found`);
export const forbidden = (message = 'this role may not do that') => new DomainError('forbidden', 'forbidden', message);
/** API keys outlive the credential that makes them: only a page session (signed in at the provider, CSRF-checked) may make one. */
export const signInRequired = (message: string) => new DomainError('forbidden', 'session_required', message);
export const unauthenticated = (
  message = 'a credential is required: Authorization: Bearer <token>, an API key as Authorization: Bearer apk_… or X-Api-Key: apk_…, or a session',
) => new DomainError('unauthenticated', 'unauthorized', message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, message, details);
export const ruleBroken = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('rule_broken', code, message, details);
export const invalidInput = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid_input', code, message, details);

/** A verified person whom the members registry does not list as active: she must ask to be invited. */
export const notAMember = () =>
  new DomainError(
    'forbidden',
    'not_a_member',
    'you are signed in, but not an active member of Approdo: ask your administrator to invite you',
  );
/** A session ended because her membership was disabled: she is told so, not that it expired (401, she must sign in again). */
export const memberDisabled = () =>
  new DomainError(
    'unauthenticated',
    'member_disabled',
    'your membership of Approdo was disabled: ask whoever manages your network’s members',
  );
/** A cookie-authenticated change without a same-origin Origin and the session's X-CSRF-Token. */
export const csrfFailed = () =>
  new DomainError('forbidden', 'csrf_failed', 'the request lacks a same-origin Origin or a valid X-CSRF-Token');
/** The identity provider could not be reached or answered something unusable. */
export const providerUnavailable = () =>
  new DomainError('unavailable', 'identity_provider_unavailable', 'the identity provider cannot be reached; try again shortly', {
    retryAfterSeconds: 30,
  });
/** A back-channel logout token that is not a valid, fresh, unused logout token of the provider: nothing is ended. */
export const logoutTokenRefused = (message: string) => new DomainError('invalid_input', 'invalid_logout_token', message);
