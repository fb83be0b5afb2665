/** Time behind an interface, so expiry and staleness are testable without waiting. */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('CLOCK');

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
