import { checks, field, h, select } from '../core/dom.js';
import { areaProblems, exploitationArea, fillArea, readArea } from './exploitation-area.js';
import type { Problem } from './form-check.js';
import { label, t } from '../words/i18n.js';
import { countryOptions, languageCode, languageName, languageOptions } from '../words/names.js';
import { chipPicker, placeNames, tagPicker } from './pickers.js';
import {
  EXPLOITATION,
  GENDERS,
  LEGAL_STATUSES,
  NEEDS,
  type Person,
  type Preferences,
  PROTECTION,
  type Region,
  type Safety,
  SERVICES,
  STAGES,
} from '../core/types.js';

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** "3 f, 14 m, 7": each child's age with an optional f/m (no letter: not stated). */
export function parseChildren(v: string): { age: number; sex?: 'female' | 'male' }[] {
  return list(v).map((x) => {
    const m = /^(\d{1,2})\s*([fm])?$/i.exec(x);
    if (!m) return { age: Number.NaN };
    const sex = m[2]?.toLowerCase();
    return { age: Number(m[1]), ...(sex ? { sex: sex === 'f' ? 'female' : 'male' } : {}) };
  });
}
const childText = (c: { age: number; sex?: string }) => `${c.age}${c.sex === 'female' ? ' f' : c.sex === 'male' ? ' m' : ''}`;

/** The languages she speaks, picked by name (typed or from the list), kept as codes in a hidden field. */
function languagePicker(): HTMLElement {
  return chipPicker({
    name: 'languages',
    label: t('form.languages'),
    help: t('form.languages.help'),
    offered: languageOptions().map(([, n]) => n),
    resolve: (typed) => {
      const code = languageCode(typed);
      return code ? [code] : null;
    },
    nameOf: languageName,
    unknown: t('check.languages'),
    removeLabel: (name) => t('form.languages.remove', { name }),
    chosenLabel: t('form.languages.chosen'),
  }).el;
}

/** Redraws the pickers after their hidden fields were set (a draft, a transfer's profile). */
export function syncPickers(form: HTMLFormElement): void {
  form.querySelectorAll('input[type="hidden"]').forEach((el) => el.dispatchEvent(new Event('sync')));
}

/** The profile, safety and preference fields of a request (also a capacity search), with short help;
 * without the person's own fields (`person: false`) the constraints a request's edit may change. */
export function profileFields(regions: Region[], opts: { person?: boolean; suggestTags?: boolean } = {}): HTMLElement {
  const person = opts.person !== false;
  const names = placeNames(regions);
  const provinces: [string, string][] = regions
    .flatMap((r) => r.provinces.map((p) => [p.code, `${p.name} (${p.code})`] as [string, string]))
    .sort((a, b) => a[1].localeCompare(b[1]));
  const input = (name: string, type = 'text', extra: Record<string, string | number | boolean> = {}) =>
    h('input', { name, type, ...extra });
  const frame = [
    field(
      t('form.protection'),
      select(
        'protectionLevel',
        PROTECTION.map((x) => [x, label('protection', x)]),
        'high',
      ),
      t('form.protection.help'),
    ),
    field(
      t('form.stage'),
      select(
        'stage',
        STAGES.map((x) => [x, label('stage', x)]),
        'first_reception',
      ),
    ),
  ];
  return h(
    'div',
    { class: 'profile' },
    person
      ? h(
          'fieldset',
          {},
          h('legend', {}, t('form.section.person')),
          field(
            t('form.gender'),
            select(
              'gender',
              GENDERS.map((g) => [g, label('gender', g)]),
              'female',
            ),
          ),
          field(
            t('form.age'),
            input('age', 'number', { min: 0, max: 110, step: 1, required: true, inputmode: 'numeric' }),
            t('form.age.help'),
          ),
          field(t('form.children'), input('children', 'text', { pattern: '^[0-9fmFM, ]*$', autocomplete: 'off' }), t('form.children.help')),
          h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'pregnant' }), ` ${t('form.pregnant')}`),
          h(
            'label',
            { class: 'check' },
            h('input', { type: 'checkbox', name: 'wheelchair', 'aria-describedby': 'wheelchair-help' }),
            ` ${t('form.wheelchair')}`,
          ),
          h('small', { class: 'help', id: 'wheelchair-help' }, t('form.wheelchair.help')),
          field(
            t('form.legalStatus'),
            select('legalStatus', [['', t('form.notStated')], ...LEGAL_STATUSES.map((x): [string, string] => [x, label('legal', x)])], ''),
            t('form.legalStatus.help'),
          ),
          field(
            t('form.nationality'),
            select('nationality', [['', t('form.notStated')], ...countryOptions()], ''),
            t('form.nationality.help'),
          ),
          languagePicker(),
          checks(
            t('form.exploitation'),
            'exploitation',
            EXPLOITATION.map((x) => [x, label('exploitation', x)]),
          ),
          checks(
            t('form.needs'),
            'needs',
            NEEDS.map((x) => [x, label('need', x)]),
          ),
          ...frame,
        )
      : h('fieldset', {}, h('legend', {}, t('form.section.request')), ...frame),
    // two questions, never one: where she is now (travel) and where she was exploited (safety)
    h(
      'fieldset',
      { class: 'places' },
      h('legend', {}, t('form.section.places')),
      person
        ? field(
            t('form.origin'),
            select('origin', [['', t('form.chooseProvince')], ...provinces], '', { required: true }),
            t('form.origin.help'),
          )
        : null,
      exploitationArea(regions),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('form.section.safety')),
      chipPicker({
        name: 'excludedProvinces',
        label: t('form.excludedProvinces'),
        help: t('form.excludedProvinces.help'),
        offered: names.provinceOptions(),
        resolve: (typed) => {
          const p = names.province(typed);
          return p ? [p] : null;
        },
        nameOf: names.provinceName,
        unknown: t('check.province'),
        removeLabel: (name) => t('form.place.remove', { name }),
        chosenLabel: t('form.excludedProvinces.chosen'),
      }).el,
      chipPicker({
        name: 'excludedRegions',
        label: t('form.excludedRegions'),
        help: t('form.excludedRegions.help'),
        offered: names.regionOptions(),
        resolve: (typed) => {
          const r = names.region(typed);
          return r ? [r.code] : null;
        },
        nameOf: names.regionName,
        unknown: t('check.region'),
        removeLabel: (name) => t('form.place.remove', { name }),
        chosenLabel: t('form.excludedRegions.chosen'),
      }).el,
      field(
        t('form.minDistanceKm'),
        input('minDistanceKm', 'number', { min: 0, max: 2000, inputmode: 'numeric' }),
        t('form.minDistanceKm.help'),
      ),
      tagPicker({ suggest: opts.suggestTags === true }).el,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('form.section.preferences')),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'crossRegion', checked: true }), ` ${t('form.crossRegion')}`),
      field(
        t('form.maxDistanceKm'),
        input('maxDistanceKm', 'number', { min: 1, max: 2000, inputmode: 'numeric' }),
        t('form.maxDistanceKm.help'),
      ),
      field(t('form.nearProvince'), select('nearProvinceCode', [['', t('form.none')], ...provinces], ''), t('form.nearProvince.help')),
      checks(
        t('form.services'),
        'services',
        SERVICES.map((x) => [x, label('service', x)]),
      ),
      h('small', { class: 'help' }, t('form.services.help')),
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: 'lgbtSafe', 'aria-describedby': 'lgbtSafe-help' }),
        ` ${t('form.lgbtSafe')}`,
      ),
      h('small', { class: 'help', id: 'lgbtSafe-help' }, t('form.lgbtSafe.help')),
    ),
  );
}

/** What the browser cannot check by itself: children's ages, the exploitation area answered, a name typed but not added. */
export function profileProblems(form: HTMLFormElement): Problem[] {
  const out: Problem[] = [];
  const el = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`);
  const children = el('children');
  if (children?.validity.valid && parseChildren(children.value).some((c) => !Number.isInteger(c.age) || c.age > 17))
    out.push([children, t('check.children')]);
  out.push(...areaProblems(form));
  // a place or a tag typed but not added: she meant it; if it names nothing, the picker's words stay beside it
  for (const entry of form.querySelectorAll<HTMLInputElement>('[data-entry]:not([data-entry="exploitationProvinces"])')) {
    if (entry.disabled || !entry.value.trim()) continue;
    entry.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    if (entry.value.trim()) out.push([entry, document.getElementById(`${entry.id}-err`)?.textContent ?? t('check.format')]);
  }
  const entry = form.querySelector<HTMLInputElement>('[data-lang-entry]');
  if (entry && entry.value.trim()) {
    const code = languageCode(entry.value);
    if (code) {
      // typed in full but not yet added: she meant it
      entry.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    } else out.push([entry, t('check.languages')]);
  }
  return out;
}

/** The API's profile body from the form's fields. */
export function readProfile(form: HTMLFormElement): Record<string, unknown> {
  const d = new FormData(form);
  const str = (k: string) => String(d.get(k) ?? '');
  return {
    person: {
      gender: str('gender'),
      // an empty age is never sent as 0: absent, the API refuses it
      ...(str('age').trim() !== '' ? { age: Number(str('age')) } : {}),
      children: parseChildren(str('children')),
      pregnant: d.get('pregnant') !== null,
      ...(d.get('wheelchair') !== null ? { wheelchair: true } : {}),
      ...(str('legalStatus') ? { legalStatus: str('legalStatus') } : {}),
      ...(str('nationality') ? { nationality: str('nationality') } : {}),
      languages: list(str('languages')),
      exploitation: d.getAll('exploitation').map(String),
      needs: d.getAll('needs').map(String),
    },
    origin: { provinceCode: str('origin') },
    ...readConstraints(form),
  };
}

/** The constraints a request's edit may change (PATCH): protection, stage, safety, preferences. */
export function readConstraints(form: HTMLFormElement): Record<string, unknown> {
  const d = new FormData(form);
  const str = (k: string) => String(d.get(k) ?? '');
  const minDistanceKm = num(str('minDistanceKm'));
  const maxDistanceKm = num(str('maxDistanceKm'));
  return {
    protectionLevel: str('protectionLevel'),
    stage: str('stage'),
    safety: {
      ...readArea(d),
      excludedProvinces: list(str('excludedProvinces')),
      excludedRegions: list(str('excludedRegions')),
      ...(minDistanceKm !== undefined ? { minDistanceKm } : {}),
      conflictTags: list(str('conflictTags')),
    },
    preferences: {
      crossRegion: d.get('crossRegion') !== null,
      ...(maxDistanceKm !== undefined ? { maxDistanceKm } : {}),
      ...(str('nearProvinceCode') ? { nearProvinceCode: str('nearProvinceCode') } : {}),
      ...(d.getAll('services').length ? { services: d.getAll('services').map(String) } : {}),
      ...(d.get('lgbtSafe') !== null ? { lgbtSafe: true } : {}),
    },
  };
}

/** Fills the form's profile fields from a request (a transfer starts from the person's current request). */
export function fillProfile(
  form: HTMLFormElement,
  r: { person: Person | null; protectionLevel: string; origin: { provinceCode: string }; safety?: Safety; preferences?: Preferences },
): void {
  const set = (name: string, value: string) => {
    const el = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`);
    if (el) el.value = value;
  };
  const tick = (name: string, values: string[]) =>
    form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`).forEach((el) => (el.checked = values.includes(el.value)));
  const p = r.person;
  if (p) {
    set('gender', p.gender);
    set('age', String(p.age));
    set('children', p.children.map(childText).join(', '));
    tick('pregnant', p.pregnant ? ['on'] : []);
    tick('wheelchair', p.wheelchair ? ['on'] : []);
    set('legalStatus', p.legalStatus ?? '');
    set('nationality', p.nationality ?? '');
    set('languages', p.languages.join(','));
    tick('exploitation', p.exploitation);
    tick('needs', p.needs);
  }
  set('protectionLevel', r.protectionLevel);
  set('origin', r.origin.provinceCode);
  if (r.safety) {
    set('excludedProvinces', r.safety.excludedProvinces.join(','));
    set('excludedRegions', r.safety.excludedRegions.join(','));
    set('minDistanceKm', r.safety.minDistanceKm === undefined || r.safety.minDistanceKm === null ? '' : String(r.safety.minDistanceKm));
    set('conflictTags', r.safety.conflictTags.join(','));
    fillArea(form, r.safety);
  }
  if (r.preferences) {
    tick('crossRegion', r.preferences.crossRegion ? ['on'] : []);
    set('maxDistanceKm', r.preferences.maxDistanceKm ? String(r.preferences.maxDistanceKm) : '');
    set('nearProvinceCode', r.preferences.nearProvinceCode ?? '');
    tick('services', r.preferences.services ?? []);
    tick('lgbtSafe', r.preferences.lgbtSafe ? ['on'] : []);
  }
  syncPickers(form);
}
