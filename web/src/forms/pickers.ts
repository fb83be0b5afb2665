// the service's own fold (a pure module, bundled in): the page shows exactly what will be stored
import { foldConflictTag, isCanonicalConflictTag } from '../../../src/domain/conflict-tags.js';
import { get } from '../core/api.js';
import { h, nextId, put } from '../core/dom.js';
import { markField } from './form-check.js';
import { t } from '../words/i18n.js';
import type { Region } from '../core/types.js';

/** Pickers of the request form that take names and keep codes: places (provinces, regions) and
 * conflict tags. Each keeps its codes in a hidden field (what FormData and drafts read) and shows
 * them as chips; `sync` redraws the chips after a draft or a request filled the hidden field. */

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('it').replace(/\s+/g, ' ').trim();

export interface Picker {
  el: HTMLElement;
  entry: HTMLInputElement;
  hidden: HTMLInputElement;
  codes(): string[];
  /** Adds what is typed in the entry; false (and the field marked, unless quiet) when it names nothing. */
  add(quiet: boolean): boolean;
}

interface PickerOptions {
  /** the hidden field's name: the API's field (`exploitationProvinces`), so its refusals come back here */
  name: string;
  label: string;
  help: string;
  /** what the datalist offers */
  offered: string[];
  /** the codes a typed text names (a region: its provinces), or null when it names nothing */
  resolve: (typed: string) => string[] | null;
  nameOf: (code: string) => string;
  unknown: string;
  /** the most codes kept; beyond it the entry says `tooMany` and nothing is added */
  max?: number;
  tooMany?: string;
  /** the chips' words for a screen reader: "Rimuovi Genova" */
  removeLabel: (name: string) => string;
  chosenLabel: string;
  /** a name picked from the datalist is added at once (its `change`); not where buttons are offered beside the entry */
  addOnChange?: boolean;
}

/** A name typed (or picked from the list) and added with Enter or the button, kept as codes. */
export function chipPicker(o: PickerOptions): Picker {
  const hidden = h('input', { type: 'hidden', name: o.name });
  const listId = nextId(`${o.name}-list`);
  const entry = h('input', {
    type: 'text',
    id: nextId('f'),
    list: listId,
    autocomplete: 'off',
    'data-name': o.name,
    'data-entry': o.name,
    enterkeyhint: 'done',
  });
  const chips = h('ul', { class: 'chips', 'aria-label': o.chosenLabel });
  const codes = () => hidden.value.split(',').filter(Boolean);
  const set = (xs: string[]) => {
    hidden.value = xs.join(',');
    draw();
    hidden.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const add = (quiet: boolean): boolean => {
    if (!entry.value.trim()) return true;
    const found = o.resolve(entry.value);
    if (!found) {
      if (!quiet) markField(entry, o.unknown);
      return false;
    }
    const next = [...new Set([...codes(), ...found])];
    if (o.max !== undefined && next.length > o.max) {
      markField(entry, o.tooMany ?? o.unknown);
      return false;
    }
    markField(entry, null);
    entry.value = '';
    set(next);
    return true;
  };
  function draw(): void {
    put(
      chips,
      ...codes().map((c) =>
        h(
          'li',
          { class: 'chip', 'data-code': c },
          o.nameOf(c),
          h(
            'button',
            {
              type: 'button',
              class: 'chip-x',
              'aria-label': o.removeLabel(o.nameOf(c)),
              onclick: () => set(codes().filter((x) => x !== c)),
            },
            '×',
          ),
        ),
      ),
    );
  }
  // a name picked from the list is added at once; a name typed is added with Enter or the button
  if (o.addOnChange !== false) entry.addEventListener('change', () => void add(true));
  entry.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add(false);
    }
  });
  hidden.addEventListener('sync', draw);
  const helpId = `${entry.id}-help`;
  entry.setAttribute('aria-describedby', helpId);
  const el = h(
    'div',
    { class: 'field picker' },
    h('label', { for: entry.id }, o.label),
    chips,
    h(
      'div',
      { class: 'lang-entry' },
      entry,
      h('button', { type: 'button', class: 'btn btn-outline', 'data-act': `add-${o.name}`, onclick: () => void add(false) }, t('form.add')),
    ),
    h(
      'datalist',
      { id: listId },
      o.offered.map((n) => h('option', { value: n })),
    ),
    h('small', { class: 'help', id: helpId }, o.help),
    hidden,
  );
  return { el, entry, hidden, codes, add };
}

/** Provinces and regions by name: "Genova", "genova (ge)", "GE"; a region stands for its provinces. */
export function placeNames(regions: Region[]) {
  const provinces = regions.flatMap((r) => r.provinces.map((p) => ({ ...p, regionCode: r.code })));
  // "Valle d'Aosta/Vallée d'Aoste": either half is the region's name
  const regionKeys = (r: Region) => [r.name, ...r.name.split('/')].map(fold);
  const provinceLabel = (p: { code: string; name: string }) => `${p.name} (${p.code})`;
  const regionLabel = (r: Region) => t('form.place.region', { name: r.name });
  return {
    provinceName: (code: string) => {
      const p = provinces.find((x) => x.code === code);
      return p ? provinceLabel(p) : code;
    },
    regionName: (code: string) => regions.find((r) => r.code === code)?.name ?? code,
    regionOf: (provinceCode: string) => provinces.find((p) => p.code === provinceCode)?.regionCode ?? null,
    provinceOptions: () => provinces.map(provinceLabel).sort((a, b) => a.localeCompare(b, 'it')),
    regionOptions: () => regions.map((r) => r.name).sort((a, b) => a.localeCompare(b, 'it')),
    placeOptions: () => [...provinces.map(provinceLabel), ...regions.map(regionLabel)].sort((a, b) => a.localeCompare(b, 'it')),
    province: (typed: string): string | null => {
      const x = fold(typed);
      return provinces.find((p) => fold(p.code) === x || fold(p.name) === x || fold(provinceLabel(p)) === x)?.code ?? null;
    },
    region: (typed: string): Region | null => {
      const x = fold(typed);
      return regions.find((r) => r.code === x || regionKeys(r).includes(x) || fold(regionLabel(r)) === x) ?? null;
    },
  };
}

/** Conflict tags: what she types is shown in the form it will be kept in, and the tags already in use
 * that begin with it are offered as buttons (`suggest`: only for the roles that may read them). */
export function tagPicker(opts: { suggest: boolean }): Picker {
  const canon = h('p', { class: 'help canon', 'aria-live': 'polite' });
  const offers = h('div', { class: 'suggest', 'aria-live': 'polite' });
  const picker = chipPicker({
    name: 'conflictTags',
    label: t('form.conflictTags'),
    help: t('form.conflictTags.help'),
    offered: [],
    resolve: (typed) => {
      const tag = foldConflictTag(typed);
      return isCanonicalConflictTag(tag) ? [tag] : null;
    },
    nameOf: (c) => c,
    unknown: t('check.conflictTags'),
    removeLabel: (name) => t('form.conflictTags.remove', { name }),
    chosenLabel: t('form.conflictTags.chosen'),
    // a tap on an offered tag blurs the entry: its `change` must not add the half-typed text first
    addOnChange: false,
  });
  const { entry } = picker;
  entry.removeAttribute('list');
  canon.id = nextId('canon');
  entry.setAttribute('aria-describedby', `${entry.getAttribute('aria-describedby')} ${canon.id}`);
  let asked = '';
  let timer = 0;
  const suggest = async (prefix: string) => {
    asked = prefix;
    const res = await get<{ tags: string[] }>(`/conflict-tags?prefix=${encodeURIComponent(prefix)}&limit=6`).catch(() => null);
    // an older answer arriving after a newer question is dropped
    if (asked !== prefix || !res) return;
    const chosen = new Set(picker.codes());
    const tags = res.tags.filter((x) => !chosen.has(x));
    // not in use as typed, but one in use differs only by dashes: most likely the same network
    const bare = (x: string) => x.replace(/-/g, '');
    const similar = res.tags.includes(prefix) ? undefined : tags.find((x) => bare(x) === bare(prefix));
    // which typed text these offers answer (the debounce may answer a shorter prefix first)
    offers.dataset.answers = prefix;
    put(
      offers,
      tags.length
        ? [
            similar
              ? h('p', { class: 'notice notice-warn', 'data-similar': similar }, t('form.conflictTags.similar', { tag: similar }))
              : h('p', { class: 'help' }, t('form.conflictTags.inUse')),
            h(
              'ul',
              { class: 'offers' },
              ...tags.map((tag) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn btn-outline offer',
                      'data-tag': tag,
                      onclick: () => {
                        entry.value = tag;
                        picker.add(false);
                        entry.focus();
                      },
                    },
                    tag,
                  ),
                ),
              ),
            ),
          ]
        : null,
    );
  };
  entry.addEventListener('input', () => {
    const typed = entry.value;
    const tag = foldConflictTag(typed);
    put(canon, typed.trim() && tag !== typed.trim() && isCanonicalConflictTag(tag) ? t('form.conflictTags.savedAs', { tag }) : '');
    window.clearTimeout(timer);
    if (!opts.suggest) return;
    if (!tag) {
      delete offers.dataset.answers;
      return put(offers);
    }
    timer = window.setTimeout(() => void suggest(tag), 250);
  });
  // added (Enter, the button, an offer): what was said about the typed text is over
  picker.hidden.addEventListener('change', () => {
    asked = '';
    window.clearTimeout(timer);
    put(canon);
    delete offers.dataset.answers;
    put(offers);
  });
  const help = picker.el.querySelector('.help:not(.canon)');
  help?.before(canon, offers);
  return picker;
}
