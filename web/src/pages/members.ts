import { ApiError, get, patch, post } from '../core/api.js';
import { checks, field, h, notice, put, select } from '../core/dom.js';
import { dateTime, label, t } from '../words/i18n.js';
import type { Page } from '../core/page.js';
import { errorText } from '../core/nav.js';
import { checkForm, clearMarks, personalDataText, type Problem, showProblems, summaryBox } from '../forms/form-check.js';
import type { Facility, Region } from '../core/types.js';
import { apiKeysSection } from '../shared/api-keys-section.js';

interface Member {
  id: string;
  email: string;
  name: string | null;
  fiscalCode: string | null;
  role: 'uor' | 'shelter_manager' | 'national' | 'admin';
  regionCode: string | null;
  facilityIds: string[];
  status: 'invited' | 'active' | 'disabled';
  lastSignInAt: string | null;
}

const ROLES = ['shelter_manager', 'uor', 'national', 'admin'] as const;

/**
 * The members registry: who may do what. An administrator invites anyone; a UOR invites and looks
 * after the shelter managers of its own region's facilities. Invitations go out by e-mail with a
 * sign-in link; disabling ends her sessions at once.
 */
export const membersPage: Page = async (root, _params, claims) => {
  const isAdmin = claims.role === 'admin';
  const [regions, facilities] = await Promise.all([
    get<Region[]>('/regions'),
    allFacilities(claims.role === 'uor' ? claims.region : undefined),
  ]);
  const regionName = new Map(regions.map((r) => [r.code, r.name]));
  const facilityName = new Map(facilities.map((f) => [f.id, f.name ?? f.id.slice(0, 8)]));
  // focusable: after a change made from a card that the redraw replaces, focus goes to what happened
  const status = h('div', { 'aria-live': 'polite', tabindex: '-1' });
  const list = h('div', {});

  // a manager's facilities are picked within one region (a UOR's own; an administrator chooses it first)
  const facilityChecks = (regionCode: string | undefined, checked: string[] = []) =>
    checks(
      t('members.facilities'),
      'facilityIds',
      facilities
        .filter((f) => !regionCode || f.regionCode === regionCode)
        .map((f): [string, string] => [f.id, `${f.name ?? f.id.slice(0, 8)} (${f.provinceCode})`]),
      checked,
    );

  async function refresh(): Promise<Member[]> {
    const { items } = await get<{ items: Member[] }>('/members');
    if (!items.length) {
      put(list, h('p', { class: 'help' }, t('members.none')));
      return items;
    }
    put(
      list,
      h(
        'ul',
        { class: 'members' },
        ...items.map((m) =>
          h(
            'li',
            { class: `card member member-${m.status}`, 'data-member': m.email },
            h('h3', {}, m.name ?? m.email, ' ', h('span', { class: `badge badge-${m.status}` }, t(`members.status.${m.status}`))),
            h('p', { class: 'help' }, m.email),
            h(
              'dl',
              { class: 'facts' },
              h('dt', {}, t('members.role')),
              h('dd', {}, label('role', m.role)),
              m.regionCode ? [h('dt', {}, t('members.region')), h('dd', {}, regionName.get(m.regionCode) ?? m.regionCode)] : null,
              m.facilityIds.length
                ? [
                    h('dt', {}, t('members.facilities')),
                    h('dd', {}, m.facilityIds.map((id) => facilityName.get(id) ?? id.slice(0, 8)).join(', ')),
                  ]
                : null,
              h('dt', {}, t('members.lastSignIn')),
              h('dd', {}, m.lastSignInAt ? dateTime(m.lastSignInAt) : t('members.never')),
            ),
            m.id === claims.sub
              ? null
              : h(
                  'div',
                  { class: 'actions' },
                  m.status === 'disabled'
                    ? h('button', { type: 'button', class: 'btn btn-outline', onclick: () => void act(m, 'enable') }, t('members.enable'))
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: 'btn btn-danger',
                          'data-act': 'disable',
                          onclick: (e: Event) => askDisable(m, e.currentTarget as HTMLElement),
                        },
                        t('members.disable'),
                      ),
                  m.role === 'shelter_manager'
                    ? h('button', { type: 'button', class: 'btn btn-outline', onclick: () => edit(m) }, t('members.change'))
                    : null,
                ),
          ),
        ),
      ),
    );
    return items;
  }

  /** "Disattiva" asks in the page, on her card (not the browser's confirm(), in the browser's language). */
  function askDisable(m: Member, button: HTMLElement): void {
    const row = button.closest('.actions');
    if (!row || row.nextElementSibling?.matches('[data-ask="disable"]')) return;
    const no = h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => (ask.remove(), button.focus()) }, t('members.cancel'));
    const ask = h(
      'div',
      { class: 'ask', role: 'group', 'aria-label': t('members.disable'), 'data-ask': 'disable' },
      h('p', {}, t('members.confirmDisable', { who: m.name ?? m.email })),
      h(
        'button',
        { type: 'button', class: 'btn btn-danger', 'data-act': 'disable-confirm', onclick: () => void act(m, 'disable') },
        t('members.disableYes'),
      ),
      no,
    );
    row.after(ask);
    no.focus();
  }

  async function act(m: Member, what: 'disable' | 'enable'): Promise<void> {
    try {
      await post(`/members/${m.id}/${what}`);
      // the list first, then the words: "disabled" beside a row still saying active would not be true
      await refresh().catch(() => undefined);
      put(status, notice('ok', t(what === 'disable' ? 'members.disabled' : 'members.enabled', { who: m.name ?? m.email })));
    } catch (e) {
      put(status, notice('error', errorText(e)));
    }
    status.focus({ preventScroll: true });
  }

  /** Changing a manager's facilities: the same checkboxes as the invitation. */
  function edit(m: Member): void {
    const regionOf = facilities.find((f) => f.id === m.facilityIds[0])?.regionCode;
    const boxes = facilityChecks(regionOf, m.facilityIds);
    // her errors beside the buttons, in the dialog, not at the top of the page
    const said = h('div', { class: 'form-result', tabindex: '-1' });
    const say = (n: HTMLElement) => (put(said, n), said.focus());
    const dialog = h(
      'form',
      {
        class: 'card',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const ids = [...boxes.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
          if (!ids.length) return say(notice('error', t('members.needFacility')));
          try {
            await patch(`/members/${m.id}`, { facilityIds: ids });
            dialog.remove();
            // the list first, then the words: "updated" above a card still naming the old houses would not be true
            await refresh().catch(() => undefined);
            put(status, notice('ok', t('members.changed', { who: m.name ?? m.email })));
          } catch (err) {
            say(notice('error', errorText(err)));
          }
        },
      },
      h('h3', {}, t('members.changeTitle', { who: m.name ?? m.email })),
      boxes,
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('members.save')),
      ' ',
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => dialog.remove() }, t('members.cancel')),
      said,
    );
    list.prepend(dialog);
    dialog.querySelector('input')?.focus();
  }

  // the invitation: a UOR invites shelter managers only, so she is not asked for a role
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off', maxlength: 254 });
  const name = h('input', { name: 'name', maxlength: 120, autocomplete: 'off' });
  // typed as people read it off a card ("frr gli 85m41 d969x"): spaces and case folded before it is checked, never cut
  const fiscal = h('input', {
    name: 'fiscalCode',
    maxlength: 24,
    pattern: '[A-Za-z0-9]{11,16}',
    autocomplete: 'off',
    autocapitalize: 'characters',
  });
  fiscal.addEventListener('change', () => (fiscal.value = foldFiscalCode(fiscal.value)));
  const role = select(
    'role',
    (isAdmin ? ROLES : (['shelter_manager'] as const)).map((r) => [r, label('role', r)]),
    'shelter_manager',
  );
  // a UOR invites within her own region only: no other region is offered (the field is hidden for her too)
  const region = select(
    'regionCode',
    claims.role === 'uor'
      ? regions.filter((r) => r.code === claims.region).map((r): [string, string] => [r.code, r.name])
      : [['', t('members.pickRegion')], ...regions.map((r): [string, string] => [r.code, r.name])],
  );
  const regionField = field(t('members.region'), region);
  const facilitiesField = h('div', {});
  const showFor = () => {
    // a UOR's region is her own; an administrator picks the region of the UOR or of the manager's facilities
    regionField.hidden = claims.role === 'uor' || (role.value !== 'uor' && role.value !== 'shelter_manager');
    facilitiesField.hidden = role.value !== 'shelter_manager';
    const within = claims.role === 'uor' ? claims.region : region.value || undefined;
    put(facilitiesField, within ? facilityChecks(within) : h('p', { class: 'help' }, t('members.pickRegionFirst')));
  };
  role.addEventListener('change', showFor);
  region.addEventListener('change', showFor);
  showFor();
  // the form's own checks in words beside the fields (not the browser's bubbles, in the browser's language);
  // the rest (no facility, already registered, refused) beside the button, where she is after a long list of facilities
  const summary = summaryBox();
  const result = h('div', { class: 'form-result', tabindex: '-1' });
  const say = (n: HTMLElement) => {
    put(result, n);
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: 'nearest' });
  };
  const invite: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      'aria-labelledby': 'invite-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        put(result);
        put(status);
        fiscal.value = foldFiscalCode(fiscal.value);
        const facilityIds = [...facilitiesField.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
        // every problem in the summary at the top, as the fields' own: "no facility" too (it was only under the button)
        const extra: Problem[] = [];
        const loose: string[] = [];
        if (role.value === 'shelter_manager' && !facilityIds.length) {
          const first = facilitiesField.querySelector<HTMLInputElement>('input[type=checkbox]');
          const legend = facilitiesField.querySelector('legend');
          if (first && legend) {
            first.id = 'invite-facility-first';
            legend.id = 'invite-facilities-legend';
            first.dataset.errorAt = legend.id;
            extra.push([first, t('members.needFacility')]);
          } else loose.push(t('members.needFacility'));
        }
        if (role.value === 'uor' && !region.value) extra.push([region, t('members.needRegion')]);
        if (!checkForm(invite, summary, extra, loose)) return;
        try {
          const made = await post<{ id: string }>('/members', {
            email: email.value.trim(),
            ...(name.value.trim() ? { name: name.value.trim() } : {}),
            ...(foldFiscalCode(fiscal.value) ? { fiscalCode: foldFiscalCode(fiscal.value) } : {}),
            role: role.value,
            ...(role.value === 'uor' ? { regionCode: region.value } : {}),
            ...(role.value === 'shelter_manager' ? { facilityIds } : {}),
          });
          invite.reset();
          clearMarks(invite, summary);
          showFor();
          // the address as the service keeps it (lower-cased), as the list below shows it, not as typed
          const items = await refresh();
          const who = items.find((m) => m.id === made?.id)?.email ?? email.value.trim().toLowerCase();
          say(notice('ok', t('members.invited', { who })));
        } catch (err) {
          // a phone number or an address in the name: said beside the name, what she typed kept
          if (err instanceof ApiError && err.code === 'personal_data_in_text' && err.body?.field === 'name') {
            const fields = err.body.fields as { problems?: unknown }[] | undefined;
            showProblems(invite, summary, [[name, personalDataText(fields?.[0]?.problems, 'check.personalDataName')]]);
          } else say(notice('error', err instanceof ApiError && err.code === 'member_exists' ? t('members.exists') : errorText(err)));
        }
      },
    },
    h('h2', { id: 'invite-title' }, t('members.inviteTitle')),
    h('p', { class: 'help' }, t(isAdmin ? 'members.inviteHelpAdmin' : 'members.inviteHelpUor')),
    summary,
    field(t('members.email'), email),
    field(t('members.name'), name),
    field(t('members.fiscalCode'), fiscal, t('members.fiscalCodeHelp')),
    isAdmin ? field(t('members.role'), role) : null,
    regionField,
    facilitiesField,
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('members.invite')),
    result,
  );

  put(root, h('h1', {}, t('members.title')), status, invite, h('h2', {}, t('members.listTitle')), list);
  await refresh();
  // issue 34: her API keys, and those of the people she looks after
  root.append(await apiKeysSection(claims));
};

/** A fiscal code as the registry writes it: no spaces, upper case ("frr gli 85m41 d969x" → "FRRGLI85M41D969X"). */
export const foldFiscalCode = (v: string) => v.replace(/\s+/g, '').toUpperCase();

/** Every facility the caller may see (of one region for a UOR), page by page. */
async function allFacilities(regionCode?: string): Promise<Facility[]> {
  const out: Facility[] = [];
  for (let offset = 0; ; offset += 200) {
    const { items } = await get<{ items: Facility[] }>(
      `/facilities?limit=200&offset=${offset}${regionCode ? `&regionCode=${regionCode}` : ''}`,
    );
    out.push(...items);
    if (items.length < 200) return out;
  }
}
