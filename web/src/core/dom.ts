/** A tiny element builder: text goes in as text (never as HTML), so data can never become markup. */
export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

function fill(el: Element, attrs: Attrs, children: Child[]): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  const add = (c: Child) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else el.append(c instanceof Node ? c : String(c));
  };
  children.forEach(add);
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  fill(el, attrs, children);
  return el;
}

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  fill(el, attrs, children);
  return el;
}

/** Replaces an element's content. */
export function put(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  fill(el, {}, children);
}

/** A polite status line (or an assertive alert) that screen readers announce. */
export function notice(kind: 'ok' | 'error' | 'info' | 'warn', ...children: Child[]): HTMLElement {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

let uid = 0;
export const nextId = (prefix: string) => `${prefix}-${++uid}`;

/** A labelled field with an optional help text wired by aria-describedby. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, help?: string): HTMLElement {
  const id = control.id || nextId('f');
  control.id = id;
  const helpEl = help ? h('small', { class: 'help', id: `${id}-help` }, help) : null;
  if (helpEl) control.setAttribute('aria-describedby', helpEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, helpEl);
}

export function select(name: string, options: [string, string][], value?: string, attrs: Attrs = {}): HTMLSelectElement {
  return h('select', { name, ...attrs }, ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

/** A group of checkboxes in a fieldset with a legend. */
export function checks(legend: string, name: string, options: [string, string][], checked: string[] = []): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, legend),
    ...options.map(([v, label]) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value: v, checked: checked.includes(v) }), ` ${label}`),
    ),
  );
}
