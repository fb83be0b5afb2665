import type { Claims } from './session.js';

/** A page draws into `root`; it may return a function that stops its timers when the person leaves. */
export type Page = (root: HTMLElement, params: string[], claims: Claims) => Promise<void | (() => void)>;
