import { h } from '../core/dom.js';

/** A phone number as a tel: link that reads as people write it ("+39 010 555 0123"). The formatting
 * (libphonenumber-js and its metadata, ≈ 26 KB brotli) loads on first use, not with the bed board. */
let format: ((e164: string) => string) | null = null;
let loading: Promise<void> | null = null;

export function phoneLink(e164: string, attrs: Record<string, string> = {}): HTMLAnchorElement {
  const a = h('a', { href: `tel:${e164}`, class: 'tel', ...attrs }, format ? format(e164) : e164);
  if (!format) {
    loading ??= import('libphonenumber-js/min').then((m) => {
      format = (x) => m.parsePhoneNumberFromString(x)?.formatInternational() ?? x;
    });
    void loading.then(
      () => (a.textContent = format!(e164)),
      () => undefined,
    );
  }
  return a;
}
