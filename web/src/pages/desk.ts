import { ApiError, get, post } from '../api.js';
import { field, h, notice, put, select } from '../dom.js';
import { dateTime, label, t } from '../i18n.js';
import type { Page } from '../main.js';
import { coalesce, follow } from '../live.js';
import { pushControl } from '../push.js';
import { errorText, go } from '../nav.js';
import { fillProfile, invalidFields, profileFields, readProfile } from '../profile-form.js';
import {
  type Candidates,
  type Candidate,
  type Facility,
  type PlacementRequest,
  type Proposal,
  type Region,
  type RequestSummary,
  REFERRAL_CHANNELS,
  URGENCIES,
} from '../types.js';
import { facilityFacts, freshnessBadge, holdText, tickCountdowns } from './beds.js';

export const deskPage: Page = async (root) => {
  const listEl = h('div');
  put(root, listEl, pushControl());
  const draw = async () => {
    const { items } = await get<{ items: RequestSummary[] }>('/placement-requests?limit=100');
    drawList(listEl, items);
  };
  await draw();
  // a request's status changes with its proposals: the list follows the stream
  const redraw = coalesce(draw);
  return follow({ onEvent: (e) => e.type !== 'availability' && void redraw(), resync: redraw, fallbackMs: 30_000 });
};

function drawList(root: HTMLElement, items: RequestSummary[]): void {
  put(
    root,
    h('div', { class: 'title-row' }, h('h1', {}, t('desk.title')), h('a', { class: 'btn btn-primary', href: '#/desk/new' }, t('desk.new'))),
    items.length
      ? h(
          'ul',
          { class: 'requests' },
          ...items.map((r) =>
            h(
              'li',
              { class: 'card' },
              h('a', { href: `#/requests/${r.id}`, class: 'req-link' }, r.caseCode),
              ' ',
              h('span', { class: `badge badge-${r.status}` }, label('status', r.status)),
              h(
                'p',
                { class: 'meta' },
                `${label('urgency', r.urgency)} · ${label('stage', r.stage)} · ${t('desk.created', { when: dateTime(r.createdAt) })}`,
              ),
            ),
          ),
        )
      : h('p', {}, t('desk.none')),
  );
}

export const newRequestPage: Page = async (root, [after], claims) => {
  const regions = await get<Region[]>('/regions');
  // a transfer to the next stage: the person's current request and the placement it follows
  const previous = after ? await get<PlacementRequest>(`/placement-requests/${after}`) : null;
  const previousPlacementId = previous?.proposals.find((p) => p.status === 'admitted' && p.placementId)?.placementId ?? undefined;
  const status = h('div', { 'aria-live': 'polite' });
  // one key per form: a double tap or a retry after a timeout opens one request, not two
  const idempotencyKey = crypto.randomUUID();
  const caseCode = h('input', { name: 'caseCode', required: true, pattern: '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$', autocomplete: 'off' });
  const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
  const referral = select(
    'referralChannel',
    [['', t('form.notStated')], ...REFERRAL_CHANNELS.map((x): [string, string] => [x, label('referral', x)])],
    '',
  );
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card request-form',
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const body = {
          caseCode: caseCode.value.trim(),
          urgency: (form.elements.namedItem('urgency') as HTMLSelectElement).value,
          ...(referral.value ? { referralChannel: referral.value } : {}),
          ...readProfile(form),
          ...(note.value.trim() ? { note: note.value.trim() } : {}),
          ...(previousPlacementId ? { previousPlacementId } : {}),
        };
        try {
          const created = await post<{ id: string }>('/placement-requests', body, { 'idempotency-key': idempotencyKey });
          go(`/requests/${created.id}`);
        } catch (err) {
          put(
            status,
            notice(
              'error',
              err instanceof ApiError && err.status === 400 ? t('form.invalid', { fields: invalidFields(err.body) }) : errorText(err),
            ),
          );
        }
      },
    },
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
    profileFields(regions, claims.region),
    field(t('form.note'), note, t('form.note.help')),
    status,
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('form.submit')),
  );
  if (previous) {
    fillProfile(form, previous);
    caseCode.value = previous.caseCode;
    referral.value = previous.referralChannel ?? '';
    (form.elements.namedItem('stage') as HTMLSelectElement).value = 'second_reception';
    (form.elements.namedItem('urgency') as HTMLSelectElement).value = 'planned';
  }
  put(
    root,
    h('h1', {}, t(previous ? 'request.transfer' : 'desk.new')),
    previousPlacementId ? notice('info', t('form.transferFrom')) : null,
    form,
  );
};

function breakdown(c: Candidate): HTMLElement {
  return h(
    'details',
    { class: 'breakdown' },
    h('summary', {}, t('request.breakdown')),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...c.breakdown.map((b) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, label('criterion', b.criterion)),
            h('td', {}, `${b.points} / ${b.max}`),
            h('td', { class: 'muted' }, b.note ?? ''),
          ),
        ),
      ),
    ),
  );
}

export function excludedSummary(excluded: Candidates['excluded']): HTMLElement | null {
  return excluded.length
    ? h(
        'section',
        { class: 'excluded', 'aria-labelledby': 'excluded-title' },
        h('h3', { id: 'excluded-title' }, t('request.excluded')),
        h(
          'ul',
          {},
          ...excluded.map((x) => h('li', { 'data-reason': x.reason }, h('strong', {}, x.count), ` ${label('reason', x.reason)}`)),
        ),
      )
    : null;
}

export function candidateItem(c: Candidate, choose?: HTMLInputElement): HTMLElement {
  const name = c.facilityName ?? `${label('type', c.type)} · ${c.provinceCode}`;
  return h(
    'li',
    { class: 'card candidate', 'data-facility': c.facilityId },
    h(
      'div',
      { class: 'cand-head' },
      choose
        ? h('label', { class: 'check big' }, choose, h('span', { class: 'cand-name' }, name))
        : h('span', { class: 'cand-name' }, name),
      h('span', { class: 'score' }, t('request.score', { score: Math.round(c.score) })),
    ),
    h(
      'p',
      { class: 'meta' },
      `${label('type', c.type)} · ${c.provinceCode} (${c.regionCode}) · ${label('kind', c.placeKind)} · ${t('request.distance', { km: Math.round(c.distanceKm) })} `,
      freshnessBadge(c.freshness, null),
    ),
    breakdown(c),
  );
}

export const requestPage: Page = async (root, [id]) => {
  const names = new Map<string, string>();
  const status = h('div', { 'aria-live': 'polite' });
  const proposalsEl = h('section', { 'aria-labelledby': 'proposals-title' });
  const candidatesEl = h('section', { 'aria-labelledby': 'candidates-title' });
  let request = await get<PlacementRequest>(`/placement-requests/${id}`);
  const title = h('h1', {}, t('request.title', { code: request.caseCode }));

  const facilityName = async (fid: string) => {
    if (!names.has(fid)) names.set(fid, (await get<Facility>(`/facilities/${fid}`).catch(() => null))?.name ?? fid.slice(0, 8));
    return names.get(fid)!;
  };

  const withdraw = async (p: Proposal) => {
    try {
      await post(`/proposals/${p.id}/withdraw`);
      put(status, notice('ok', t('proposal.withdrawn')));
      await refresh();
    } catch (e) {
      put(status, notice('error', errorText(e)));
    }
  };

  async function drawProposals(): Promise<void> {
    const ps = request.proposals;
    const accepted = ps.filter((p) => p.status === 'accepted' || p.status === 'admitted');
    // the secret address: shown (and its reveal audited) only once the facility accepted
    const revealed = await Promise.all(accepted.map((p) => get<Facility>(`/facilities/${p.facilityId}`).catch(() => null)));
    const active = new Set(
      (
        await Promise.all(
          ps
            .filter((p) => p.status === 'admitted' && p.placementId)
            .map(async (p) => ((await get<{ status: string }>(`/placements/${p.placementId}`)).status === 'active' ? p.id : null)),
        )
      ).filter(Boolean),
    );
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
              return h(
                'li',
                { class: 'card proposal', 'data-proposal': p.id, 'data-facility': p.facilityId, 'data-status': p.status },
                h('strong', {}, names.get(p.facilityId)),
                ' ',
                h('span', { class: `badge badge-${p.status}` }, label('status', p.status)),
                h('p', { class: 'meta' }, label('kind', p.placeKind)),
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
                p.status === 'pending' || p.status === 'accepted'
                  ? h(
                      'button',
                      { type: 'button', class: 'btn btn-outline', 'data-act': 'withdraw', onclick: () => void withdraw(p) },
                      t('proposal.withdraw'),
                    )
                  : null,
                active.has(p.id)
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
      return put(candidatesEl);
    const { candidates, excluded } = await get<Candidates>(`/placement-requests/${id}/candidates?limit=20`);
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
        boxes.set(c.facilityId, box);
        if (c.facilityName) names.set(c.facilityId, c.facilityName);
        return candidateItem(c, box);
      });
    const propose = async () => {
      const chosen = [...boxes.values()].filter((b) => b.checked).map((b) => b.value);
      if (!chosen.length) return put(status, notice('error', t('request.selectOne')));
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
      put(
        status,
        n ? notice('ok', t('request.proposed', { n })) : null,
        errors.length ? notice('error', ...errors.map((x) => h('span', { class: 'line' }, x))) : null,
      );
      await refresh();
    };
    put(
      candidatesEl,
      h('h2', { id: 'candidates-title' }, t('request.candidates')),
      items.length ? h('ul', { class: 'candidates' }, ...items) : h('p', {}, t('request.noCandidates')),
      items.length
        ? h(
            'button',
            { type: 'button', class: 'btn btn-primary wide', 'data-act': 'propose', onclick: () => void propose() },
            t('request.proposeSelected'),
          )
        : null,
      excludedSummary(excluded),
    );
  }

  async function refresh(): Promise<void> {
    request = await get<PlacementRequest>(`/placement-requests/${id}`);
    put(summary, ...summaryLines());
    await drawProposals();
    await drawCandidates();
  }

  const summaryLines = () => [
    h('span', { class: `badge badge-${request.status}` }, label('status', request.status)),
    ` ${label('urgency', request.urgency)} · ${label('stage', request.stage)} · ${label('protection', request.protectionLevel)} · ${request.origin.provinceCode}`,
  ];
  const summary = h('p', { class: 'meta request-summary' }, ...summaryLines());
  put(root, title, summary, status, proposalsEl, candidatesEl);
  await drawProposals();
  await drawCandidates();
  const stopTick = tickCountdowns(root);
  // live status: a facility may accept at any moment (the stream says when; polled only while it is down)
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const fresh = await get<PlacementRequest>(`/placement-requests/${id}`);
      const sig = (r: PlacementRequest) => `${r.status}|${r.proposals.map((p) => `${p.id}:${p.status}`).join(',')}`;
      if (sig(fresh) !== sig(request)) {
        request = fresh;
        put(summary, ...summaryLines());
        await drawProposals();
        await drawCandidates();
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
  return () => (stopTick(), stopLive());
};
