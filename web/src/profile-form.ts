import { checks, field, h, select } from './dom.js';
import { label, t } from './i18n.js';
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
} from './types.js';

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

/** The profile, safety and preference fields of a request (also a capacity search), with short help. */
export function profileFields(regions: Region[], ownRegion?: string): HTMLElement {
  const provinces: [string, string][] = regions
    .flatMap((r) => r.provinces.map((p) => [p.code, `${p.name} (${p.code})`] as [string, string]))
    .sort((a, b) => a[1].localeCompare(b[1]));
  const firstOwn = regions.find((r) => r.code === ownRegion)?.provinces[0]?.code;
  const input = (name: string, type = 'text', extra: Record<string, string | number | boolean> = {}) =>
    h('input', { name, type, ...extra });
  return h(
    'div',
    { class: 'profile' },
    h(
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
      field(t('form.age'), input('age', 'number', { min: 0, max: 110, required: true, inputmode: 'numeric' }), t('form.age.help')),
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
        input('nationality', 'text', { maxlength: 2, pattern: '^[A-Za-z]{2}$', autocomplete: 'off', autocapitalize: 'characters' }),
        t('form.nationality.help'),
      ),
      field(t('form.languages'), input('languages', 'text', { autocomplete: 'off' }), t('form.languages.help')),
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
      field(t('form.origin'), select('origin', provinces, firstOwn ?? 'GE'), t('form.origin.help')),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('form.section.safety')),
      field(t('form.excludedProvinces'), input('excludedProvinces', 'text', { autocomplete: 'off' }), t('form.excludedProvinces.help')),
      field(
        t('form.excludedRegions'),
        input('excludedRegions', 'text', { autocomplete: 'off', inputmode: 'numeric' }),
        t('form.excludedRegions.help'),
      ),
      field(
        t('form.minDistanceKm'),
        input('minDistanceKm', 'number', { min: 0, max: 2000, inputmode: 'numeric' }),
        t('form.minDistanceKm.help'),
      ),
      field(t('form.conflictTags'), input('conflictTags', 'text', { autocomplete: 'off' }), t('form.conflictTags.help')),
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

/** The API's profile body from the form's fields. */
export function readProfile(form: HTMLFormElement): Record<string, unknown> {
  const d = new FormData(form);
  const str = (k: string) => String(d.get(k) ?? '');
  const minDistanceKm = num(str('minDistanceKm'));
  const maxDistanceKm = num(str('maxDistanceKm'));
  return {
    person: {
      gender: str('gender'),
      age: Number(str('age')),
      children: parseChildren(str('children')),
      pregnant: d.get('pregnant') !== null,
      ...(d.get('wheelchair') !== null ? { wheelchair: true } : {}),
      ...(str('legalStatus') ? { legalStatus: str('legalStatus') } : {}),
      ...(str('nationality').trim() ? { nationality: str('nationality').trim().toUpperCase() } : {}),
      languages: list(str('languages')).map((x) => x.toLowerCase()),
      exploitation: d.getAll('exploitation').map(String),
      needs: d.getAll('needs').map(String),
    },
    protectionLevel: str('protectionLevel'),
    stage: str('stage'),
    origin: { provinceCode: str('origin') },
    safety: {
      excludedProvinces: list(str('excludedProvinces')).map((x) => x.toUpperCase()),
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

/** "the age; the languages": the fields a 400 validation_failed names, in the person's words where possible. */
export function invalidFields(body: Record<string, unknown> | null): string {
  const fields = body?.fields;
  if (Array.isArray(fields)) return fields.map((f) => (typeof f === 'string' ? f : ((f as { field?: string }).field ?? ''))).join(', ');
  if (fields && typeof fields === 'object') return Object.keys(fields).join(', ');
  return String(body?.message ?? '');
}

/** Fills the form's profile fields from a request (a transfer starts from the person's current request). */
export function fillProfile(
  form: HTMLFormElement,
  r: { person: Person | null; protectionLevel: string; origin: { provinceCode: string }; safety?: Safety; preferences?: Preferences },
): void {
  const set = (name: string, value: string) => {
    const el = form.elements.namedItem(name);
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) el.value = value;
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
    set('languages', p.languages.join(', '));
    tick('exploitation', p.exploitation);
    tick('needs', p.needs);
  }
  set('protectionLevel', r.protectionLevel);
  set('origin', r.origin.provinceCode);
  if (r.safety) {
    set('excludedProvinces', r.safety.excludedProvinces.join(', '));
    set('excludedRegions', r.safety.excludedRegions.join(', '));
    set('minDistanceKm', r.safety.minDistanceKm === undefined || r.safety.minDistanceKm === null ? '' : String(r.safety.minDistanceKm));
    set('conflictTags', r.safety.conflictTags.join(', '));
  }
  if (r.preferences) {
    tick('crossRegion', r.preferences.crossRegion ? ['on'] : []);
    set('maxDistanceKm', r.preferences.maxDistanceKm ? String(r.preferences.maxDistanceKm) : '');
    set('nearProvinceCode', r.preferences.nearProvinceCode ?? '');
    tick('services', r.preferences.services ?? []);
    tick('lgbtSafe', r.preferences.lgbtSafe ? ['on'] : []);
  }
}
