import { api, ApiError, get, post } from '../core/api.js';
import { field, h, notice, put, select } from '../core/dom.js';
import { dateTime, fmt, label, t, tn } from '../words/i18n.js';
import type { Page } from '../core/page.js';
import { coalesce, follow } from '../live/live.js';
import { pushControl } from '../live/push.js';
import { errorText, go } from '../core/nav.js';
import { type Draft, draftNotice, hasDraft, keepDraft } from '../forms/drafts.js';
import { checkForm, isFieldRefusal, showApiProblems, summaryBox } from '../forms/form-check.js';
import { fillProfile, profileFields, profileProblems, readConstraints, readProfile } from '../forms/profile-form.js';
import { placeNames } from '../forms/pickers.js';
import {
  type Candidates,
  type Facility,
  type PlacementRequest,
  type Proposal,
  type Region,
  type RequestSummary,
  REFERRAL_CHANNELS,
  URGENCIES,
} from '../core/types.js';
import { facilityFacts, holdText, tickCountdowns } from '../shared/facility-facts.js';
import { candidateItem, excludedSummary } from '../shared/candidates.js';
import { declinedBox } from '../shared/declined.js';

/** One line per person: a transfer's request and the requests it follows (previousPlacementId → its placement's request). */
export const deskPage: Page = async (root) => {
  const listEl = h('div');
  put(root, listEl, pushControl());
  const draw = async () => {
    const { items } = await get<{ items: RequestSummary[] }>('/placement-requests?limit=200');
    await drawList(listEl, items);
  };
  await draw();
  // a request's status changes with its proposals: the list follows the stream
  const redraw = coalesce(draw);
  return follow({ onEvent: (e) => e.type !== 'availability' && void redraw(), resync: redraw, fallbackMs: 30_000 });
};

async function drawList(root: HTMLElement, items: RequestSummary[]): Promise<void> {
  const followed = new Map<string, string>(); // earlier request id → the request that follows it
  await Promise.all(
    items
      .filter((r) => r.previousPlacementId)
      .map(async (r) => {
        const pl = await get<{ requestId: string }>(`/placements/${r.previousPlacementId}`).catch(() => null);
        if (pl) followed.set(pl.requestId, r.id);
      }),
  );
  const byId = new Map(items.map((r) => [r.id, r]));
  const earlier = (r: RequestSummary): RequestSummary[] => {
    const prev = [...followed].find(([, next]) => next === r.id)?.[0];
    const p = prev ? byId.get(prev) : undefined;
    return p ? [p, ...earlier(p)] : [];
  };
  const latest = items.filter((r) => !followed.has(r.id));
  const line = (r: RequestSummary) => [
    h('a', { href: `#/requests/${r.id}`, class: 'req-link' }, r.caseCode),
    ' ',
    // a house accepted: she is on her way (the status is still "proposed" until the arrival)
    r.acceptedProposalId
      ? h('span', { class: 'badge badge-accepted', 'data-status': 'accepted' }, t('status.acceptedWaiting'))
      : h('span', { class: `badge badge-${r.status}`, 'data-status': r.status }, label('status', r.status)),
  ];
  put(
    root,
    h('div', { class: 'title-row' }, h('h1', {}, t('desk.title')), h('a', { class: 'btn btn-primary', href: '#/desk/new' }, t('desk.new'))),
    latest.length
      ? h(
          'ul',
          { class: 'requests' },
          ...latest.map((r) => {
            const history = earlier(r);
            return h(
              'li',
              { class: 'card', 'data-request': r.id },
              ...line(r),
              h(
                'p',
                { class: 'meta' },
                `${label('urgency', r.urgency)} · ${label('stage', r.stage)} · ${t('desk.created', { when: dateTime(r.createdAt) })}`,
              ),
              history.length
                ? h(
                    'details',
                    { class: 'history' },
                    h('summary', {}, t('desk.history', { n: history.length })),
                    h(
                      'ul',
                      {},
                      ...history.map((x) =>
                        h(
                          'li',
                          { 'data-request': x.id },
                          ...line(x),
                          ' ',
                          h('span', { class: 'badge badge-transferred' }, t('status.transferred')),
                          h('span', { class: 'muted' }, ` ${label('stage', x.stage)} · ${dateTime(x.createdAt)}`),
                        ),
                      ),
                    ),
                  )
                : null,
            );
          }),
        )
      : h('p', {}, t('desk.none')),
  );
}

export const newRequestPage: Page = async (root, [after]) => {
  const regions = await get<Region[]>('/regions');
  // a transfer to the next stage: the person's current request and the placement it follows
  const previous = after ? await get<PlacementRequest>(`/placement-requests/${after}`) : null;
  const previousPlacementId = previous?.proposals.find((p) => p.status === 'admitted' && p.placementId)?.placementId ?? undefined;
  const status = h('div', { 'aria-live': 'polite' });
  const summary = summaryBox();
  // one key per form: a double tap or a retry after a timeout opens one request, not two
  const idempotencyKey = crypto.randomUUID();
  const caseCode = h('input', { name: 'caseCode', required: true, pattern: '^[A-Za-z0-9][A-Za-z0-9_.\\/\\-]{0,39}$', autocomplete: 'off' });
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
  const referral = select(
    'referralChannel',
    [['', t('form.notStated')], ...REFERRAL_CHANNELS.map((x): [string, string] => [x, label('referral', x)])],
    '',
  );
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('form.submit'));
  // the browser's own bubbles are replaced by errors in words beside each field (form-check)
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card request-form',
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        put(status);
        if (!checkForm(form, summary, profileProblems(form))) return;
        const body = {
          caseCode: caseCode.value.trim(),
          urgency: (form.elements.namedItem('urgency') as HTMLSelectElement).value,
          ...(referral.value ? { referralChannel: referral.value } : {}),
          ...readProfile(form),
          ...(note.value.trim() ? { note: note.value.trim() } : {}),
          ...(previousPlacementId ? { previousPlacementId } : {}),
        };
        submit.disabled = true;
        try {
          const created = await post<{ id: string }>('/placement-requests', body, { 'idempotency-key': idempotencyKey });
          draft.clear();
          go(`/requests/${created.id}`);
        } catch (err) {
          // a 401 keeps the draft: she signs in again and comes back to this form, filled; a refusal is said beside its field
          if (isFieldRefusal(err)) showApiProblems(form, summary, err.body);
          else put(status, notice('error', errorText(err)));
        } finally {
          submit.disabled = false;
        }
      },
    },
    summary,
    // what must be filled is said before she starts, not only after "Invia" (a long form on a phone)
    h('p', { class: 'help required-legend' }, t('form.requiredLegend')),
    field(t('form.caseCode'), caseCode, t('form.caseCode.help')),
    field(
      t('form.urgency'),
      select(
        'urgency',
        URGENCIES.map((u) => [u, label('urgency', u)]),
        'immediate',
      ),
    ),
    field(t('form.referralChannel'), referral, t('form.referralChannel.help')),
    profileFields(regions, { suggestTags: true }),
    field(t('form.note'), note, t('form.note.help')),
    status,
    submit,
  );
  if (previous) {
    fillProfile(form, previous);
    caseCode.value = previous.caseCode;
    referral.value = previous.referralChannel ?? '';
    (form.elements.namedItem('stage') as HTMLSelectElement).value = 'second_reception';
    (form.elements.namedItem('urgency') as HTMLSelectElement).value = 'planned';
  }
  const draft = keepDraft(form, after ? `new-request-after-${after}` : 'new-request');
  put(
    root,
    h('h1', {}, t(previous ? 'request.transfer' : 'desk.new')),
    previousPlacementId ? notice('info', t('form.transferFrom')) : null,
    draftNotice(draft),
    form,
  );
};

interface PlacementView {
  id: string;
  requestId: string;
  facilityId: string;
  status: string;
  dischargeReason: string | null;
  dischargeDate: string | null;
}

/** Where the request is, in words: "accepted, waiting for arrival" once a house accepted, "transferred" once the person moved on. */
function statusOf(r: PlacementRequest, placements: Map<string, PlacementView>): [string, string] {
  if ([...placements.values()].some((pl) => pl.status === 'discharged' && pl.dischargeReason === 'transferred'))
    return ['transferred', t('status.transferred')];
  if (r.proposals.some((p) => p.status === 'accepted')) return ['accepted', t('status.acceptedWaiting')];
  return [r.status, label('status', r.status)];
}

export const requestPage: Page = async (root, [id]) => {
  const names = new Map<string, string>();
  const status = h('div', { 'aria-live': 'polite' });
  const proposalsEl = h('section', { 'aria-labelledby': 'proposals-title' });
  const candidatesEl = h('section', { 'aria-labelledby': 'candidates-title' });
  // the regions' names for the candidates ("GE (Liguria)", not the ISTAT code)
  const regionsRead = get<Region[]>('/regions').catch((): Region[] => []);
  // the result of "propose to the selected facilities", beside the button (the page's status line is far above)
  const proposeStatus = h('div', { class: 'propose-status', 'aria-live': 'polite', tabindex: '-1' });
  const showProposeResult = (...children: (HTMLElement | null)[]) => {
    put(proposeStatus, ...children);
    if (children.some(Boolean)) {
      proposeStatus.focus({ preventScroll: true });
      proposeStatus.scrollIntoView({ block: 'center' });
    }
  };
  const actionsEl = h('div', { class: 'request-actions' });
  const editEl = h('section', { class: 'edit', 'aria-label': t('request.edit') });
  let request = await get<PlacementRequest>(`/placement-requests/${id}`);
  let placements = new Map<string, PlacementView>();
  let details = new Map<string, Proposal>();
  let next: RequestSummary | null = null;
  // a transfer: the house of the placement it follows; while she lives there, never proposed to again
  const previous = request.previousPlacementId
    ? await get<PlacementView>(`/placements/${request.previousPlacementId}`).catch(() => null)
    : null;
  const currentHouse = previous?.status === 'active' ? previous.facilityId : null;
  let asking: 'idle' | 'cancel' | 'edit' = 'idle';
  const title = h('h1', {}, t('request.title', { code: request.caseCode }));

  const facilityName = async (fid: string) => {
    if (!names.has(fid)) names.set(fid, (await get<Facility>(`/facilities/${fid}`).catch(() => null))?.name ?? fid.slice(0, 8));
    return names.get(fid)!;
  };

  /** What the request's proposals say beyond their status: decline reasons, placements, the request that follows. */
  async function readAround(): Promise<void> {
    const ps = request.proposals;
    details = new Map(
      (await Promise.all(ps.filter((p) => p.status === 'declined').map((p) => get<Proposal>(`/proposals/${p.id}`).catch(() => null))))
        .filter((p): p is Proposal => p !== null)
        .map((p) => [p.id, p]),
    );
    placements = new Map(
      (await Promise.all(ps.filter((p) => p.placementId).map((p) => get<PlacementView>(`/placements/${p.placementId}`).catch(() => null))))
        .filter((pl): pl is PlacementView => pl !== null)
        .map((pl) => [pl.id, pl]),
    );
    const moved = [...placements.values()].find((pl) => pl.dischargeReason === 'transferred');
    next = moved
      ? ((await get<{ items: RequestSummary[] }>('/placement-requests?limit=200')).items.find((x) => x.previousPlacementId === moved.id) ??
        null)
      : null;
  }

  // withdrawing frees a held bed and tells the house: asked in the page first, as the manager's decline is
  const withdrawButton = (p: Proposal): HTMLElement => {
    const box = h('div', { class: 'withdraw' });
    const idle = () =>
      put(box, h('button', { type: 'button', class: 'btn btn-outline', 'data-act': 'withdraw', onclick: ask }, t('proposal.withdraw')));
    const ask = () => {
      const no = h('button', { type: 'button', class: 'btn btn-ghost', onclick: idle }, t('beds.cancel'));
      put(
        box,
        h(
          'div',
          { class: 'ask', role: 'group', 'aria-label': t('proposal.withdraw') },
          h('p', {}, t(p.status === 'accepted' ? 'proposal.withdrawAskAccepted' : 'proposal.withdrawAsk')),
          h(
            'button',
            { type: 'button', class: 'btn btn-danger', 'data-act': 'withdraw-confirm', onclick: () => void withdraw(p) },
            t('proposal.withdrawYes'),
          ),
          ' ',
          no,
        ),
      );
      no.focus();
    };
    idle();
    return box;
  };
  const withdraw = async (p: Proposal) => {
    try {
      await post(`/proposals/${p.id}/withdraw`);
      put(proposeStatus);
      // the request's state first, then the words
      await refresh().catch(() => undefined);
      put(status, notice('ok', t('proposal.withdrawn')));
    } catch (e) {
      put(status, notice('error', errorText(e)));
    }
  };

  async function drawProposals(): Promise<void> {
    const ps = request.proposals;
    const accepted = ps.filter((p) => p.status === 'accepted' || p.status === 'admitted');
    // the secret address: shown (and its reveal audited) only once the facility accepted
    const revealed = await Promise.all(accepted.map((p) => get<Facility>(`/facilities/${p.facilityId}`).catch(() => null)));
    for (const p of ps) await facilityName(p.facilityId);
    put(
      proposalsEl,
      h('h2', { id: 'proposals-title' }, t('request.proposals')),
      h('p', { class: 'muted live-note' }, t('request.live')),
      ps.length
        ? h(
            'ul',
            { class: 'proposals' },
            ...ps.map((p) => {
              const f = revealed.find((x) => x?.id === p.facilityId);
              const pl = p.placementId ? placements.get(p.placementId) : undefined;
              const left = pl?.status === 'discharged';
              const d = details.get(p.id);
              return h(
                'li',
                { class: 'card proposal', 'data-proposal': p.id, 'data-facility': p.facilityId, 'data-status': p.status },
                h('strong', {}, names.get(p.facilityId)),
                ' ',
                h(
                  'span',
                  { class: `badge badge-${left ? 'closed' : p.status}` },
                  left
                    ? pl.dischargeReason === 'transferred'
                      ? t('status.transferred')
                      : t('status.left', { date: pl.dischargeDate ? fmt().day(pl.dischargeDate) : '' })
                    : p.status === 'accepted'
                      ? t('status.acceptedWaiting')
                      : p.withdrawnReason === 'request_changed'
                        ? t('status.withdrawnRequestChanged')
                        : label('status', p.status),
                ),
                h('p', { class: 'meta' }, label('kind', p.placeKind)),
                d ? declinedBox(d, 'proposal.noteOfHouse') : null,
                left && pl.dischargeReason !== 'transferred' && pl.dischargeReason
                  ? h('p', { class: 'meta' }, label('discharge', pl.dischargeReason))
                  : null,
                left && pl.dischargeReason === 'transferred' && next
                  ? h(
                      'p',
                      {},
                      h(
                        'a',
                        { href: `#/requests/${next.id}`, 'data-act': 'next-request' },
                        t('request.nextRequest', { code: next.caseCode }),
                      ),
                    )
                  : null,
                p.status === 'pending' || p.status === 'accepted'
                  ? h('p', { class: 'hold', 'data-hold-until': p.holdExpiresAt ?? '' }, holdText(p.holdExpiresAt))
                  : null,
                f?.address
                  ? h(
                      'div',
                      { class: 'secret' },
                      h('h3', {}, t('proposal.secretAddress')),
                      h('p', { class: 'address' }, f.address),
                      h('small', { class: 'help' }, t('proposal.secretAddressHelp')),
                    )
                  : null,
                f ? facilityFacts(f) : null,
                p.status === 'pending' || p.status === 'accepted' ? withdrawButton(p) : null,
                pl?.status === 'active'
                  ? h(
                      'a',
                      { class: 'btn btn-outline', 'data-act': 'transfer', href: `#/desk/new?after=${request.id}` },
                      t('request.transfer'),
                    )
                  : null,
              );
            }),
          )
        : h('p', {}, t('request.noProposals')),
    );
  }

  async function drawCandidates(): Promise<void> {
    // once a facility accepted, the search is over: no more candidates to offer
    if (!['open', 'proposed'].includes(request.status) || request.proposals.some((p) => p.status === 'accepted' || p.status === 'admitted'))
      return put(candidatesEl, proposeStatus);
    const [{ candidates, excluded }, regions] = await Promise.all([
      get<Candidates>(`/placement-requests/${id}/candidates?limit=20`),
      regionsRead,
    ]);
    const regionNames = new Map(regions.map((r) => [r.code, r.name]));
    // a house that already declined this request: said on its card, and never ticked for her (she may still choose it)
    const declinedBy = new Map<string, string>();
    for (const p of request.proposals)
      if (p.status === 'declined') declinedBy.set(p.facilityId, details.get(p.id)?.declineReason ?? declinedBy.get(p.facilityId) ?? '');
    const live = new Set(request.proposals.filter((p) => p.status === 'pending' || p.status === 'accepted').map((p) => p.facilityId));
    const boxes = new Map<string, HTMLInputElement>();
    const items = candidates
      .filter((c) => !live.has(c.facilityId))
      .map((c) => {
        const box = h('input', {
          type: 'checkbox',
          name: 'facility',
          value: c.facilityId,
          'aria-label': t('request.propose', { name: c.facilityName ?? c.provinceCode }),
        });
        if (c.facilityId !== currentHouse) boxes.set(c.facilityId, box);
        if (c.facilityName) names.set(c.facilityId, c.facilityName);
        return candidateItem(c, box, c.facilityId === currentHouse, { regionNames, declined: declinedBy.get(c.facilityId) ?? null });
      });
    const propose = async () => {
      const chosen = [...boxes.values()].filter((b) => b.checked).map((b) => b.value);
      if (!chosen.length) return showProposeResult(notice('error', t('request.selectOne')));
      const errors: string[] = [];
      let n = 0;
      for (const facilityId of chosen) {
        try {
          await post(
            `/placement-requests/${id}/proposals`,
            { facilityId },
            { 'idempotency-key': `${id}:${facilityId}:${request.proposals.length}` },
          );
          n++;
        } catch (e) {
          errors.push(
            `${names.get(facilityId)}: ${e instanceof ApiError && e.body?.reasons ? (e.body.reasons as string[]).map((r) => label('reason', r)).join(', ') : errorText(e)}`,
          );
        }
      }
      put(status);
      await refresh();
      // she is at the bottom, by the button: the result (and a way up to the new cards) is shown where she is
      showProposeResult(
        n
          ? notice(
              'ok',
              t('request.proposed', { n }),
              ' ',
              h(
                'a',
                {
                  href: '#proposals-title',
                  onclick: (e: Event) => (e.preventDefault(), proposalsEl.scrollIntoView({ block: 'start' })),
                },
                t('request.seeProposals'),
              ),
            )
          : null,
        errors.length ? notice('error', ...errors.map((x) => h('span', { class: 'line' }, x))) : null,
      );
    };
    // the button rides along the bottom of the screen while she reads the list, and says how many she ticked:
    // on a phone the list's end is thousands of pixels below the first box
    const proposeBtn = h('button', { type: 'button', class: 'btn btn-primary wide', 'data-act': 'propose', onclick: () => void propose() });
    const count = () => {
      const n = [...boxes.values()].filter((b) => b.checked).length;
      proposeBtn.textContent = n ? tn('request.proposeN', n) : t('request.proposeSelected');
      proposeBtn.dataset.chosen = String(n);
    };
    for (const b of boxes.values()) b.addEventListener('change', count);
    count();
    put(
      candidatesEl,
      h('h2', { id: 'candidates-title' }, t('request.candidates')),
      items.length ? h('ul', { class: 'candidates' }, ...items) : h('p', {}, t('request.noCandidates')),
      boxes.size ? h('div', { class: 'propose-bar' }, proposeBtn) : null,
      proposeStatus,
      excludedSummary(excluded, regionNames),
    );
  }

  const cancel = async () => {
    try {
      await post(`/placement-requests/${id}/cancel`);
      asking = 'idle';
      put(proposeStatus);
      // said once the page shows it: the status badge reads "Annullata" when the notice appears
      await refresh();
      put(status, notice('ok', t('request.cancelled')));
    } catch (e) {
      put(status, notice('error', errorText(e)));
    }
  };

  /** Changing the request's constraints (PATCH): urgency, protection, stage, safety, preferences, note; kept as a draft. */
  async function openEdit(): Promise<void> {
    asking = 'edit';
    drawActions();
    const regions = await get<Region[]>('/regions');
    const summary = summaryBox();
    const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
    const form: HTMLFormElement = h(
      'form',
      {
        class: 'card edit-form',
        novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          if (!checkForm(form, summary, profileProblems(form))) return;
          try {
            const edited = await api<PlacementRequest & { withdrawnProposals?: { facilityId: string }[] }>(
              'PATCH',
              `/placement-requests/${id}`,
              {
                urgency: (form.elements.namedItem('urgency') as HTMLSelectElement).value,
                ...readConstraints(form),
                note: note.value.trim() || null,
              },
            );
            request = edited;
            draft.clear();
            asking = 'idle';
            put(editEl);
            await refresh();
            // a house the change made unsafe is no longer offered: she is told which, at once
            const gone = edited.withdrawnProposals ?? [];
            put(
              status,
              notice('ok', t('request.edited')),
              gone.length
                ? notice(
                    'warn',
                    tn('request.editWithdrew', gone.length, { names: gone.map((g) => names.get(g.facilityId) ?? '').join(', ') }),
                  )
                : null,
            );
          } catch (err) {
            if (isFieldRefusal(err)) showApiProblems(form, summary, err.body);
            else {
              put(summary, notice('error', errorText(err)));
              summary.hidden = false;
            }
          }
        },
      },
      summary,
      field(
        t('form.urgency'),
        select(
          'urgency',
          URGENCIES.map((u) => [u, label('urgency', u)]),
          request.urgency,
        ),
      ),
      profileFields(regions, { person: false, suggestTags: true }),
      field(t('form.note'), note, t('form.note.help')),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-act': 'save-edit' }, t('request.saveEdit')),
        h(
          'button',
          { type: 'button', class: 'btn btn-ghost', onclick: () => (draft.clear(), (asking = 'idle'), put(editEl), drawActions()) },
          t('beds.cancel'),
        ),
      ),
    );
    fillProfile(form, request);
    note.value = request.note ?? '';
    const draft: Draft = keepDraft(form, `edit-request-${id}`);
    put(editEl, h('h2', {}, t('request.edit')), draftNotice(draft), form);
    form.querySelector<HTMLElement>('select, input')?.focus();
  }

  function drawActions(): void {
    const open = request.status === 'open' || request.status === 'proposed';
    put(
      actionsEl,
      open && asking === 'idle'
        ? [
            h(
              'button',
              { type: 'button', class: 'btn btn-outline', 'data-act': 'edit', onclick: () => void openEdit() },
              t('request.edit'),
            ),
            h(
              'button',
              { type: 'button', class: 'btn btn-outline', 'data-act': 'cancel', onclick: () => ((asking = 'cancel'), drawActions()) },
              t('request.cancel'),
            ),
          ]
        : null,
      asking === 'cancel'
        ? h(
            'div',
            { class: 'ask', role: 'group', 'aria-label': t('request.cancel') },
            h('p', {}, t('request.cancelAsk')),
            h(
              'button',
              { type: 'button', class: 'btn btn-danger', 'data-act': 'cancel-confirm', onclick: () => void cancel() },
              t('request.cancelYes'),
            ),
            h(
              'button',
              { type: 'button', class: 'btn btn-ghost', onclick: () => ((asking = 'idle'), drawActions()) },
              t('request.cancelNo'),
            ),
          )
        : null,
    );
  }

  // where she is now and where she was exploited: two answers, said apart
  const summaryLines = (places: ReturnType<typeof placeNames>) => {
    const [cls, text] = statusOf(request, placements);
    const area = request.safety.exploitationProvinces ?? [];
    return [
      h('span', { class: `badge badge-${cls}`, 'data-request-status': cls }, text),
      ` ${label('urgency', request.urgency)} · ${label('stage', request.stage)} · ${label('protection', request.protectionLevel)}`,
      h(
        'span',
        { class: 'line', 'data-where-now': request.origin.provinceCode },
        t('request.whereNow', { place: places.provinceName(request.origin.provinceCode) }),
      ),
      h(
        'span',
        { class: 'line', 'data-exploited': area.join(',') },
        area.length ? t('request.exploitedIn', { places: area.map(places.provinceName).join(', ') }) : t('request.exploitedUnknown'),
        request.safety.allowExploitationArea && request.safety.allowExploitationAreaReason
          ? ` · ${t('request.exploitationAllowed', { reason: request.safety.allowExploitationAreaReason })}`
          : null,
      ),
      h(
        'span',
        { class: 'line', 'data-conflict-tags': request.safety.conflictTags.join(',') },
        t('request.conflictTags', { tags: request.safety.conflictTags.join(', ') || t('request.conflictTagsNone') }),
      ),
    ];
  };
  const summary = h('p', { class: 'meta request-summary' });

  async function redraw(): Promise<void> {
    await readAround();
    put(summary, ...summaryLines(placeNames(await regionsRead)));
    drawActions();
    await drawProposals();
    await drawCandidates();
  }
  async function refresh(): Promise<void> {
    request = await get<PlacementRequest>(`/placement-requests/${id}`);
    await redraw();
  }

  put(
    root,
    title,
    summary,
    previous
      ? notice(
          'info',
          t(currentHouse ? 'request.transferFrom' : 'request.transferredFrom', { name: await facilityName(previous.facilityId) }),
        )
      : null,
    actionsEl,
    editEl,
    status,
    proposalsEl,
    candidatesEl,
  );
  await redraw();
  // back after an expired session with an edit half done: the form opens again, filled
  if (hasDraft(`edit-request-${id}`) && (request.status === 'open' || request.status === 'proposed')) await openEdit();
  const stopTick = tickCountdowns(root);
  // live status: a facility may accept at any moment (the stream says when; polled only while it is down);
  // not while she is editing, cancelling or choosing candidates: what came meanwhile is read once she is done
  let busy = false;
  let missed = false;
  const check = async () => {
    if (busy || asking !== 'idle' || candidatesEl.querySelector('input:checked')) {
      missed = true;
      return;
    }
    missed = false;
    busy = true;
    try {
      const fresh = await get<PlacementRequest>(`/placement-requests/${id}`);
      const sig = (r: PlacementRequest) => `${r.status}|${r.proposals.map((p) => `${p.id}:${p.status}`).join(',')}`;
      if (sig(fresh) !== sig(request)) {
        request = fresh;
        await redraw();
      }
    } catch {
      // a missed poll is retried at the next tick
    } finally {
      busy = false;
    }
  };
  const stopLive = follow({
    onEvent: (e) => {
      if ((e.type === 'proposal' && e.data.requestId === id) || (e.type === 'request' && e.data.id === id)) void check();
    },
    resync: check,
    fallbackMs: 5000,
  });
  const catchUp = window.setInterval(() => missed && void check(), 5000);
  return () => (stopTick(), stopLive(), window.clearInterval(catchUp));
};
