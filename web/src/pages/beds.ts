import { declinedBox } from '../shared/declined.js';
import { freeOf } from '../../../src/domain/free-places.js';
import { ApiError, get, post } from '../core/api.js';
import { conflictBox, keptNote, pendingNote } from '../live/board-sync.js';
import { coalesce, follow } from '../live/live.js';
import { isOffline, networkErrorNotice } from '../live/offline.js';
import { pushControl } from '../live/push.js';
import { choose, conflictOf, onOutcome, pending, recall, remember, submit } from '../live/outbox-queue.js';
import { type Child, field, h, notice, put, select } from '../core/dom.js';
import { drafts, hasDraft, keepDraft } from '../forms/drafts.js';
import { fmt, label, t, time, tn } from '../words/i18n.js';
import { checkForm, isFieldRefusal, markField, personalDataText, showApiProblems, summaryBox } from '../forms/form-check.js';
import type { Page } from '../core/page.js';
import { facilityFacts, freshnessBadge, holdText, tickCountdowns } from '../shared/facility-facts.js';
import { languageName } from '../words/names.js';
import { phoneLink } from '../words/phone.js';
import { errorDetails, errorText, go } from '../core/nav.js';
import {
  DECLINE_NOTE_MAX,
  DECLINE_REASONS,
  DISCHARGE_REASONS,
  type Availability,
  type Facility,
  type Proposal,
  type Region,
} from '../core/types.js';

type Counted = 'occupied' | 'outOfService';
const COUNTED: Counted[] = ['occupied', 'outOfService'];
const WHAT: Record<Counted, Parameters<typeof t>[0]> = { occupied: 'beds.occupied', outOfService: 'beds.outOfService' };

const fromFacility = (f: Facility): Availability => ({
  facilityId: f.id,
  version: f.availability.version,
  confirmedAt: f.availability.confirmedAt,
  freshness: f.availability.freshness,
  acceptingNewGuests: f.availability.acceptingNewGuests,
  intakeNote: f.intakeNote ?? null,
  places: f.places,
});

/** What changed between two readings of a facility's numbers, one line per number. */
export function differences(before: Availability, after: Availability): string[] {
  const lines: string[] = [];
  for (const a of after.places) {
    const b = before.places.find((p) => p.kind === a.kind);
    for (const k of ['total', 'occupied', 'outOfService', 'held'] as const) {
      const from = b ? b[k] : 0;
      if (from !== a[k])
        lines.push(
          t('beds.changed', {
            kind: label('kind', a.kind),
            what: t(k === 'total' ? 'beds.total' : k === 'held' ? 'beds.held' : WHAT[k]).toLowerCase(),
            from,
            to: a[k],
          }),
        );
    }
  }
  if (before.acceptingNewGuests !== after.acceptingNewGuests)
    lines.push(after.acceptingNewGuests ? t('beds.resumedSaved') : t('beds.pausedSaved'));
  return lines;
}

/** One facility's bed board: − / + per number, save, "still true", intake pause. */
function facilityCard(f: Facility, editable: boolean): HTMLElement {
  let base = fromFacility(f);
  // numbers she changed without a network stay hers until they are sent (outbox-queue.ts)
  let draft = (pending(f.id).at(-1)?.mine ?? base.places).map((p) => ({ ...p }));
  // numbers changed but not saved (a reload, an expired session): back, if nobody saved since
  const kept = editable && !pending(f.id).length ? drafts.get<{ version: number; places: typeof draft }>(`beds-${f.id}`) : null;
  if (kept && kept.value.version === base.version) draft = kept.value.places;
  else if (!pending(f.id).length) drafts.drop(`beds-${f.id}`);
  const msg = h('div', { class: 'msg', 'aria-live': 'polite' });
  const waiting = h('div');
  const body = h('div');
  const card = h(
    'section',
    { class: 'card facility', 'data-facility': f.id, 'aria-labelledby': `fac-${f.id}` },
    h('h2', { id: `fac-${f.id}` }, f.name ?? label('type', f.type)),
    body,
    waiting,
    msg,
  );
  // what happened, in view: on a phone the words land below the card's buttons, often past the screen's edge
  const say = (...c: Child[]) => (put(msg, ...c), msg.isConnected && msg.scrollIntoView({ block: 'nearest' }));
  const showConflict = (changes: HTMLElement | null = null) => {
    const c = conflictOf(f.id);
    if (c) say(conflictBox(c, (keep) => void choose(f.id, keep), changes));
  };
  const stopOutcomes = onOutcome((id, o) => {
    if (!card.isConnected) return stopOutcomes();
    if (id !== f.id) return;
    if (o.type === 'sent') {
      base = o.availability;
      if (!pending(f.id).length) draft = base.places.map((p) => ({ ...p }));
      if (o.change.op === 'confirm') mode = 'idle';
      draw();
      say(notice('ok', t(o.change.op === 'save' ? 'beds.saved' : 'beds.confirmed')));
    } else if (o.type === 'conflict') {
      const lines = differences(base, o.conflict.current);
      base = o.conflict.current;
      draft = base.places.map((p) => ({ ...p }));
      draw();
      showConflict(lines.length ? h('ul', { class: 'changes' }, ...lines.map((l) => h('li', {}, l))) : null);
    } else if (o.type === 'failed') {
      if (!pending(f.id).length) draft = base.places.map((p) => ({ ...p }));
      draw();
      say(notice('error', o.error.status === 422 ? t('beds.inconsistent') : errorText(o.error)));
    } else {
      draw();
      say(notice('info', t('outbox.queued')));
    }
  });
  // a change of the numbers elsewhere (the stream): taken unless she is in the middle of her own
  card.addEventListener('availability', (e) => {
    const a = (e as CustomEvent<Availability>).detail;
    // a hold moves `held` without a new version: compare the numbers too
    if (
      JSON.stringify([a.version, a.confirmedAt, a.acceptingNewGuests, a.places]) ===
      JSON.stringify([base.version, base.confirmedAt, base.acceptingNewGuests, base.places])
    )
      return;
    // her unsaved or queued numbers keep the version she made them on: her save then meets the
    // conflict and she chooses, instead of a silent overwrite of what changed meanwhile
    if (dirty() || pending(f.id).length > 0 || conflictOf(f.id) !== null) return;
    base = a;
    draft = base.places.map((p) => ({ ...p }));
    draw();
  });
  let mode: 'idle' | 'confirming' | 'pausing' = 'idle';

  // the same rule as the API's `free` (src/domain/free-places.ts), while the manager edits the numbers
  const dirty = () =>
    draft.some((d) => {
      const b = base.places.find((p) => p.kind === d.kind)!;
      return b.occupied !== d.occupied || b.outOfService !== d.outOfService;
    });

  // a greyed "+" says why: the last beds are held by proposals waiting for an answer, or all are taken
  const whyNoRoom = (p: (typeof draft)[number]) =>
    editable && freeOf(p) <= 0 ? (p.held > 0 ? tn('beds.noRoomHeld', p.held) : t('beds.noRoom')) : null;
  const counter = (p: (typeof draft)[number], what: Counted) => {
    const id = `${f.id}-${p.kind}-${what}`;
    const kind = label('kind', p.kind);
    const whatText = t(WHAT[what]);
    const room = freeOf(p);
    const why = whyNoRoom(p);
    return h(
      'div',
      { class: 'counter', 'data-field': what },
      h('span', { class: 'counter-label', id: `${id}-l` }, whatText),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-step',
          'data-act': 'dec',
          disabled: !editable || p[what] <= 0,
          'aria-label': t('beds.dec', { what: whatText.toLowerCase(), kind }),
          onclick: () => ((p[what] -= 1), draw()),
        },
        '−',
      ),
      h('output', { class: 'count', 'aria-labelledby': `${id}-l`, 'aria-live': 'polite' }, p[what]),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-step',
          'data-act': 'inc',
          disabled: !editable || room <= 0,
          'aria-label': t('beds.inc', { what: whatText.toLowerCase(), kind }),
          'aria-describedby': why ? `${f.id}-${p.kind}-why` : null,
          onclick: () => ((p[what] += 1), draw()),
        },
        '+',
      ),
    );
  };

  const save = async () => {
    if (!dirty()) return say(notice('info', t('beds.nothingToSave')));
    const changed = draft.filter((d) => {
      const b = base.places.find((p) => p.kind === d.kind)!;
      return b.occupied !== d.occupied || b.outOfService !== d.outOfService;
    });
    // through the phone's queue: sent at once when there is a network, kept until there is one
    await submit({
      facilityId: f.id,
      op: 'save',
      version: base.version,
      places: changed.map((d) => ({
        kind: d.kind,
        total: d.total,
        occupied: d.occupied,
        outOfService: d.outOfService,
        ...(d.childCapacity ? { childCapacity: d.childCapacity } : {}),
      })),
      mine: draft.map((p) => ({ ...p })),
    });
  };

  const confirmStill = async () => {
    mode = 'idle';
    await submit({ facilityId: f.id, op: 'confirm', version: base.version, mine: draft.map((p) => ({ ...p })) });
  };

  const intake = async (accepting: boolean, note?: string, noteEl?: HTMLTextAreaElement) => {
    try {
      base = await post<Availability>(`/facilities/${f.id}/availability/intake`, {
        acceptingNewGuests: accepting,
        ...(note ? { note } : {}),
      });
      draft = base.places.map((p) => ({ ...p }));
      mode = 'idle';
      draw();
      say(notice('ok', t(accepting ? 'beds.resumedSaved' : 'beds.pausedSaved')));
    } catch (e) {
      // personal data in the note: said beside it, and what she typed stays
      if (noteEl && e instanceof ApiError && e.code === 'personal_data_in_text') {
        markField(noteEl, personalDataText((e.body?.fields as { problems?: unknown }[] | undefined)?.[0]?.problems));
        noteEl.focus();
      } else say(notice('error', errorText(e)));
    }
  };

  function draw(): void {
    // unsaved numbers: kept as a draft, and the page's background refresh waits (see bedsPage)
    card.dataset.dirty = dirty() || mode !== 'idle' ? 'true' : 'false';
    if (editable && dirty()) drafts.put(`beds-${f.id}`, { version: base.version, places: draft });
    else drafts.drop(`beds-${f.id}`);
    const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
    put(waiting, pendingNote(pending(f.id).length));
    put(
      body,
      h('p', { class: 'meta' }, `${label('type', f.type)} · ${f.provinceCode} `, freshnessBadge(base.freshness, base.confirmedAt)),
      base.acceptingNewGuests
        ? null
        : h('p', { class: 'paused' }, h('strong', {}, t('beds.paused')), base.intakeNote ? `: ${base.intakeNote}` : ''),
      h(
        'div',
        { class: 'places' },
        ...draft.map((p) =>
          h(
            'fieldset',
            { class: 'kind', 'data-kind': p.kind },
            h('legend', {}, label('kind', p.kind)),
            ...COUNTED.map((w) => counter(p, w)),
            whyNoRoom(p) ? h('p', { class: 'help why', id: `${f.id}-${p.kind}-why`, 'data-why': '' }, whyNoRoom(p)) : null,
            h(
              'p',
              { class: 'sums' },
              `${t('beds.total')} ${p.total} · ${t('beds.held')} ${p.held} · `,
              h('strong', { 'data-free': p.kind }, `${t('beds.free')} ${freeOf(p)}`),
            ),
          ),
        ),
      ),
      editable
        ? h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', class: 'btn btn-primary', 'data-act': 'save', onclick: () => void save() }, t('beds.save')),
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-outline',
                'data-act': 'still-valid',
                'aria-expanded': mode === 'confirming' ? 'true' : 'false',
                // the question in view and her thumb on "yes"
                onclick: () => (
                  (mode = 'confirming'),
                  put(msg),
                  draw(),
                  card.querySelector<HTMLElement>('[data-act="confirm-yes"]')?.focus()
                ),
              },
              t('beds.stillValid'),
            ),
            base.acceptingNewGuests
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-outline',
                    'data-act': 'pause',
                    onclick: () => ((mode = 'pausing'), draw(), card.querySelector<HTMLElement>('textarea[name="note"]')?.focus()),
                  },
                  t('beds.pause'),
                )
              : h(
                  'button',
                  { type: 'button', class: 'btn btn-outline', 'data-act': 'resume', onclick: () => void intake(true) },
                  t('beds.resume'),
                ),
          )
        : null,
      mode === 'confirming'
        ? h(
            'div',
            { class: 'ask', role: 'group', 'aria-label': t('beds.stillValid') },
            h('p', {}, t('beds.stillValidAsk')),
            h(
              'button',
              { type: 'button', class: 'btn btn-primary', 'data-act': 'confirm-yes', onclick: () => void confirmStill() },
              t('beds.stillValidYes'),
            ),
            h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => ((mode = 'idle'), draw()) }, t('beds.cancel')),
          )
        : null,
      mode === 'pausing'
        ? h(
            'div',
            { class: 'ask' },
            field(t('beds.pauseNote'), note),
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-primary',
                'data-act': 'pause-confirm',
                onclick: () => void intake(false, note.value.trim() || undefined, note),
              },
              t('beds.pauseConfirm'),
            ),
            h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => ((mode = 'idle'), draw()) }, t('beds.cancel')),
          )
        : null,
    );
  }
  draw();
  if (kept && dirty()) say(notice('info', t('beds.draftRestored', { time: time(kept.savedAt.toISOString()) })));
  showConflict();
  return card;
}

// read once a page load: the regions' UOR on-call numbers for the case summaries
let regionsRead: Promise<Region[]> | null = null;
const regionsOf = () => (regionsRead ??= get<Region[]>('/regions').catch(() => ((regionsRead = null), [])));

/** The office that sent the case and how to call it, at any hour. */
function sender(p: Proposal, regions: Region[]): HTMLElement[] {
  const r = regions.find((x) => x.code === p.case?.regionCode);
  // while she decides the case says nothing of where it comes from (the contract's "nothing else");
  // once declined, withdrawn or expired it never will: no promise of a contact that is not coming
  if (!r)
    return p.status === 'pending'
      ? [h('dt', {}, t('proposal.sender')), h('dd', { 'data-sender': '' }, t('proposal.senderAfterAccept'))]
      : [];
  return [
    h('dt', {}, t('proposal.sender')),
    h(
      'dd',
      { 'data-sender': '' },
      t('proposal.senderOffice', { region: r.name }),
      r.uorOnCallPhone
        ? [' · ', phoneLink(r.uorOnCallPhone, { 'data-uor-oncall': '' }), ' ', h('small', { class: 'help' }, t('facility.onCall.help'))]
        : null,
    ),
  ];
}

function caseSummary(p: Proposal, regions: Region[]): HTMLElement | null {
  const c = p.case;
  if (!c) return null;
  const person = c.person;
  // the profile is erased after the retention period: the case code and its frame stay
  if (!person) return h('dl', { class: 'case' }, h('dt', {}, t('proposal.case')), h('dd', {}, t('proposal.erased')));
  const list = (xs: string[], prefix: string) => (xs.length ? xs.map((x) => (prefix ? label(prefix, x) : x)).join(', ') : '—');
  return h(
    'dl',
    { class: 'case' },
    h('dt', {}, t('proposal.case')),
    h(
      'dd',
      {},
      t('proposal.person', { gender: label('gender', person.gender), age: person.age }),
      // under 18: said in words, never left to a number read in a hurry
      person.age < 18 ? [' ', h('strong', { class: 'badge badge-minor', 'data-minor': '' }, t('proposal.minor'))] : null,
    ),
    person.children.length
      ? h('dd', { 'data-children': '' }, `${t('proposal.childrenLabel')}: ${person.children.map(childWords).join('; ')}`)
      : h('dd', {}, t('proposal.noChildren')),
    person.pregnant ? h('dd', {}, t('proposal.pregnant')) : null,
    person.wheelchair ? h('dd', {}, t('form.wheelchair')) : null,
    person.legalStatus ? h('dd', {}, `${t('form.legalStatus')}: ${label('legal', person.legalStatus)}`) : null,
    h('dt', {}, t('proposal.languages')),
    h('dd', { 'data-languages': '' }, person.languages.length ? person.languages.map(languageName).join(', ') : '—'),
    h('dt', {}, t('proposal.exploitation')),
    h('dd', {}, list(person.exploitation, 'exploitation')),
    h('dt', {}, t('proposal.needs')),
    h('dd', {}, list(person.needs, 'need')),
    h('dt', {}, t('proposal.protection')),
    h('dd', {}, label('protection', c.protectionLevel)),
    h('dt', {}, t('proposal.stage')),
    h('dd', {}, label('stage', c.stage)),
    h('dt', {}, t('proposal.urgency')),
    h('dd', {}, label('urgency', c.urgency)),
    ...sender(p, regions),
  );
}

/** "3 anni, bambina": a child as people say it. */
export function childWords(c: { age: number; sex?: string }): string {
  const age = c.age === 0 ? t('age.zero') : c.age === 1 ? t('age.one') : t('age.many', { n: c.age });
  return c.sex === 'female' ? t('child.female', { age }) : c.sex === 'male' ? t('child.male', { age }) : age;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** The phone's own calendar day and time ("2026-12-07", "14:05"): what she reads on the wall clock. */
const localDay = (d = new Date()) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d = new Date()) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** Seconds an acceptance, an arrival or a discharge waits before it is sent: time to take back a wrong tap. */
export const UNDO_SECONDS = 6;
/** The recordings waiting out their undo time: sent at once if she leaves the page or closes the tab. */
const waiting = new Set<() => void>();
const sendWaiting = () => [...waiting].forEach((send) => send());
window.addEventListener('pagehide', sendWaiting);
// a phone seldom says "pagehide" when the app is swiped away or the screen locked: hidden is the last word it may hear
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && sendWaiting());

/** The last outcome shown on a card: kept there, and where it stood on the screen, when the inbox is redrawn soon after. */
let lastOutcome: { id: string; text: string; at: number } | null = null;
const OUTCOME_KEPT_MS = 20_000;

function outcomeNotice(o: { id: string; text: string }): HTMLElement {
  const said = notice('ok', o.text);
  said.tabIndex = -1;
  said.dataset.outcome = o.id;
  return said;
}
/** Puts the outcome on its card (or on the inbox's line when the card is gone) and scrolls it to `y`. */
function placeOutcome(o: { id: string; text: string }, y: number | null): HTMLElement {
  const said = document.querySelector<HTMLElement>(`[data-outcome="${o.id}"]`) ?? outcomeNotice(o);
  if (!said.isConnected)
    (document.querySelector(`[data-proposal="${o.id}"] .msg`) ?? document.getElementById('inbox-msg'))?.replaceChildren(said);
  if (y !== null) window.scrollBy(0, said.getBoundingClientRect().top - y);
  return said;
}
/** A redraw (the stream said something changed) that keeps a fresh outcome in its place on the screen. */
async function keepingOutcome(redraw: () => Promise<unknown>): Promise<void> {
  const y = document.querySelector('[data-outcome]')?.getBoundingClientRect().top ?? null;
  await redraw();
  if (lastOutcome && Date.now() - lastOutcome.at < OUTCOME_KEPT_MS) placeOutcome(lastOutcome, y);
}

/** A proposal as its facility sees it, with the actions its state allows. */
/** `alone`: on the proposal's own page, whose h1 already names the case: the card's title is the house and the beds. */
function proposalCard(p: Proposal, facilityName: string, refresh: () => Promise<void>, regions: Region[], alone = false): HTMLElement {
  const msg = h('div', { class: 'msg', 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions' });
  // the form she confirmed, while its undo time runs: back as she filled it after "Annulla" or a refusal
  let restore: (() => void) | null = null;
  /**
   * The outcome where she tapped: the inbox is redrawn (the card moves to another group, or goes),
   * the outcome is shown on the card where it is now (or on the inbox's line when it is gone), and
   * the page scrolls so that it stands where her finger was.
   */
  const act = async (
    path: string,
    body: unknown,
    done: Parameters<typeof t>[0],
    tapped: Element | null,
    on?: { form: HTMLFormElement; summary: HTMLElement },
  ) => {
    const y = tapped?.getBoundingClientRect().top ?? null;
    try {
      await post(path, body);
      await refresh();
      lastOutcome = { id: p.id, text: t(done), at: Date.now() };
      placeOutcome(lastOutcome, y).focus({ preventScroll: true });
      return true;
    } catch (e) {
      // the card was not redrawn: its own line says why, under what she filled in
      restore?.();
      restore = null;
      // a note refused (personal data): said beside it, the form and what she typed stay
      if (on && isFieldRefusal(e)) showApiProblems(on.form, on.summary, e.body);
      // the service refused the acceptance on a hard constraint: what she can do, not "try again"
      else if (e instanceof ApiError && e.code === 'constraint_violated' && path.endsWith('/accept'))
        put(msg, notice('error', t('proposal.acceptRefused', errorDetails(e))));
      // the tap did not leave the phone: the line changes to "di nuovo in linea" when the network is back
      else put(msg, e instanceof ApiError && e.status === 0 ? networkErrorNotice() : notice('error', errorText(e)));
      return false;
    }
  };
  /**
   * An acceptance, an arrival or a discharge, confirmed in the page: sent only once the undo time is
   * over (there is no reversal in the API: an acceptance holds the bed and shows the UOR's contact),
   * or at once if she leaves the page. "Annulla" sends nothing.
   */
  const later = (
    what: 'proposal.acceptPending' | 'proposal.admitPending' | 'proposal.dischargePending',
    when: string,
    send: () => Promise<unknown>,
  ) => {
    let left = UNDO_SECONDS;
    const line = h('p', { 'data-undo-left': left }, t(what, { when, s: left }));
    const go = () => {
      window.clearInterval(timer);
      waiting.delete(go);
      void send();
    };
    const timer = window.setInterval(() => {
      left -= 1;
      if (left <= 0) return go();
      line.dataset.undoLeft = String(left);
      line.textContent = t(what, { when, s: left });
    }, 1000);
    waiting.add(go);
    actions.dataset.dirty = 'true';
    const kept = [...actions.childNodes];
    restore = () => actions.replaceChildren(...kept);
    const undo = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-outline',
        'data-act': 'undo',
        onclick: () => {
          window.clearInterval(timer);
          waiting.delete(go);
          restore?.();
          restore = null;
          put(msg, notice('info', t('proposal.undone')));
        },
      },
      t('proposal.undo'),
    );
    put(msg);
    put(actions, h('div', { class: 'notice notice-info undo', role: 'status', 'data-undo': '' }, line, undo));
    undo.focus({ preventScroll: true });
  };
  /** A day and a time she can change, now by default; `max` today. */
  const whenFields = (dayLabel: Parameters<typeof t>[0], timeLabel: Parameters<typeof t>[0]) => {
    const date = h('input', { type: 'date', name: 'date', value: localDay(), max: localDay(), required: true });
    const time = h('input', { type: 'time', name: 'time', value: localTime(), required: true });
    return { date, time, fields: h('div', { class: 'when' }, field(t(dayLabel), date), field(t(timeLabel), time)) };
  };
  const inFuture = (date: string, time: string) => new Date(`${date}T${time}`).getTime() > Date.now() + 60_000;
  const declineDraft = `decline-${p.id}`;
  const declineForm = () => {
    // no reason chosen for her: an empty first choice, required
    const reason = select(
      'reason',
      [['', t('proposal.chooseReason')], ...DECLINE_REASONS.map((r): [string, string] => [r, label('decline', r)])],
      '',
      {
        required: true,
      },
    );
    const note = h('textarea', { name: 'note', rows: 2, maxlength: DECLINE_NOTE_MAX });
    const noteField = field(t('proposal.declineNote'), note, t('proposal.declineNote.help', { max: DECLINE_NOTE_MAX }));
    // "Altro" alone tells the UOR nothing it can act on: with it, a few words are asked for
    const needNote = () => {
      note.required = reason.value === 'other';
      noteField.querySelector('label')!.textContent = t(note.required ? 'proposal.declineNoteOther' : 'proposal.declineNote');
    };
    reason.addEventListener('change', needNote);
    const summary = summaryBox();
    const body = () => ({ reason: reason.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
    const form: HTMLFormElement = h(
      'form',
      {
        class: 'decide',
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (checkForm(form, summary))
            void act(`/proposals/${p.id}/decline`, body(), 'proposal.declined', form, { form, summary }).then(
              (sent) => sent && draft.clear(),
            );
        },
      },
      summary,
      field(t('proposal.declineReason'), reason, t('proposal.declineReason.help')),
      noteField,
      h('button', { type: 'submit', class: 'btn btn-danger', 'data-act': 'decline-confirm' }, t('proposal.declineConfirm')),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => (draft.clear(), drawActions()) }, t('beds.cancel')),
    );
    // her reason and note (nothing else) kept in this tab: an expired session and the sign-in lose neither
    const draft = keepDraft(form, declineDraft, sessionStorage);
    needNote();
    actions.dataset.dirty = 'true';
    put(actions, form);
    reason.focus();
  };
  const admitForm = () => {
    const { date, time, fields } = whenFields('proposal.admitDate', 'proposal.admitTime');
    actions.dataset.dirty = 'true';
    put(msg);
    put(
      actions,
      h(
        'div',
        { class: 'ask', role: 'group', 'aria-label': t('proposal.admit') },
        h('p', {}, t('proposal.admitAsk')),
        fields,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            'data-act': 'admit-confirm',
            onclick: () => {
              if (!date.value || !time.value || inFuture(date.value, time.value))
                return put(msg, notice('error', t('proposal.whenInFuture')));
              const at = new Date(`${date.value}T${time.value}`);
              later('proposal.admitPending', fmt().dateTime(at), () =>
                act(`/proposals/${p.id}/admit`, { at: at.toISOString() }, 'proposal.admitted', actions),
              );
            },
          },
          t('proposal.admitConfirm'),
        ),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => drawActions() }, t('beds.cancel')),
      ),
    );
    date.focus();
  };
  const dischargeForm = () => {
    // no reason chosen for her (as for a decline): one sleepy tap must not record the wrong outcome
    const reason = select(
      'reason',
      [['', t('proposal.chooseReason')], ...DISCHARGE_REASONS.map((r): [string, string] => [r, label('discharge', r)])],
      '',
      { required: true },
    );
    const { date, time, fields } = whenFields('proposal.dischargeDate', 'proposal.dischargeTime');
    actions.dataset.dirty = 'true';
    put(msg);
    put(
      actions,
      h(
        'div',
        { class: 'ask', role: 'group', 'aria-label': t('proposal.discharge') },
        field(t('proposal.dischargeReason'), reason),
        fields,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-danger',
            'data-act': 'discharge-confirm',
            onclick: () => {
              reason.removeAttribute('aria-invalid');
              if (!reason.value) {
                reason.setAttribute('aria-invalid', 'true');
                put(msg, notice('error', t('proposal.chooseDischargeReason')));
                msg.scrollIntoView({ block: 'nearest' });
                return reason.focus({ preventScroll: true });
              }
              // a day after today is the API's to refuse in words (with today's date); a time later today is caught here
              if (date.value && time.value && date.value === localDay() && inFuture(date.value, time.value))
                return put(msg, notice('error', t('proposal.whenInFuture')));
              const body = { reason: reason.value, date: date.value, ...(time.value ? { time: time.value } : {}) };
              const when = time.value ? fmt().dateTime(new Date(`${date.value}T${time.value}`)) : fmt().day(date.value);
              later('proposal.dischargePending', when, () =>
                act(`/placements/${p.placementId}/discharge`, body, 'proposal.discharged', actions),
              );
            },
          },
          t('proposal.dischargeConfirm'),
        ),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => drawActions() }, t('beds.cancel')),
      ),
    );
    // her first answer is the reason: the form opens on it, as the arrival's opens on its day
    reason.focus();
  };
  function drawActions(): void {
    actions.dataset.dirty = 'false';
    // a decline she began before signing in again: open as she left it
    if (p.status === 'pending' && hasDraft(declineDraft, sessionStorage)) declineForm();
    else if (p.status === 'pending')
      put(
        actions,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            'data-act': 'accept',
            // a tap at night must not commit a bed at once: the same few seconds to take it back as an arrival
            onclick: () =>
              later('proposal.acceptPending', '', () => act(`/proposals/${p.id}/accept`, undefined, 'proposal.accepted', actions)),
          },
          t('proposal.accept'),
        ),
        h('button', { type: 'button', class: 'btn btn-outline', 'data-act': 'decline', onclick: declineForm }, t('proposal.decline')),
      );
    else if (p.status === 'accepted')
      put(actions, h('button', { type: 'button', class: 'btn btn-primary', 'data-act': 'admit', onclick: admitForm }, t('proposal.admit')));
    else if (p.status === 'admitted' && p.placementId)
      put(
        actions,
        h('button', { type: 'button', class: 'btn btn-outline', 'data-act': 'discharge', onclick: dischargeForm }, t('proposal.discharge')),
      );
    else put(actions);
  }
  drawActions();
  const code = p.case?.caseCode ?? p.id.slice(0, 8);
  return h(
    'article',
    { class: 'card proposal', 'data-proposal': p.id, 'data-status': p.status, 'aria-labelledby': `prop-${p.id}` },
    h(
      'h3',
      { id: `prop-${p.id}` },
      alone ? `${facilityName} · ${label('kind', p.placeKind)}` : t('proposal.title', { code }),
      ' ',
      h(
        'span',
        { class: `badge badge-${p.status}` },
        p.withdrawnReason === 'request_changed' ? t('status.withdrawnRequestChanged') : label('status', p.status),
      ),
    ),
    alone ? null : h('p', { class: 'meta' }, `${facilityName} · ${label('kind', p.placeKind)}`),
    p.status === 'pending' || p.status === 'accepted'
      ? h('p', { class: 'hold', 'data-hold-until': p.holdExpiresAt ?? '' }, holdText(p.holdExpiresAt))
      : null,
    // once declined, what she told the UOR: the reason and her note
    p.status === 'declined' ? declinedBox(p, 'proposal.yourNote') : null,
    caseSummary(p, regions),
    actions,
    msg,
  );
}

/** The manager's proposals: to decide, accepted (waiting for arrival), guests present. */
const inboxReads = new WeakMap<HTMLElement, number>();

async function inbox(
  el: HTMLElement,
  names: Map<string, string>,
  only?: string,
  changed: () => Promise<void> = async () => undefined,
  /** asked again once the reads are back: false when she began a decision meanwhile (nothing is drawn then) */
  mayDraw: () => boolean = () => true,
): Promise<boolean> {
  // reads overlap (a live event, her own decision's refresh): only the last one begun may draw, so an
  // older answer coming back late never shows a decided proposal as pending again
  const mine = (inboxReads.get(el) ?? 0) + 1;
  inboxReads.set(el, mine);
  const { items } = await get<{ items: Proposal[] }>('/proposals?limit=200');
  const live = items.filter((p) => (only ? p.id === only : ['pending', 'accepted', 'admitted'].includes(p.status)));
  const detailed = await Promise.all(live.map((p) => get<Proposal>(`/proposals/${p.id}`)));
  // admitted proposals whose placement has ended are history, not guests
  const present = await Promise.all(
    detailed.map(async (p) =>
      p.status === 'admitted' && p.placementId && !only
        ? (await get<{ status: string }>(`/placements/${p.placementId}`)).status === 'active'
        : true,
    ),
  );
  const shown = detailed.filter((_, i) => present[i]);
  // the regions (9 KB) only when an accepted case names its sending office
  const regions = shown.some((p) => p.case?.regionCode) ? await regionsOf() : [];
  // an acceptance, an admission or a discharge moves the beds too: the boards are read again
  const refresh = async () => (await inbox(el, names, only, changed), await changed());
  const group = (status: string, title: Parameters<typeof t>[0]) => {
    const ps = shown.filter((p) => p.status === status);
    return ps.length
      ? h(
          'div',
          { class: 'group', 'data-group': status },
          h('h3', { class: 'group-title' }, t(title), ` (${ps.length})`),
          ...ps.map((p) => proposalCard(p, names.get(p.facilityId) ?? '', refresh, regions)),
        )
      : null;
  };
  if (!mayDraw() || inboxReads.get(el) !== mine) return false;
  put(
    el,
    // one proposal under its own h1: the list's heading would only repeat it (kept for the section's name)
    h('h2', { id: 'inbox-title', class: only ? 'sr-only' : null }, t('inbox.title')),
    h('div', { id: 'inbox-msg', 'aria-live': 'polite' }),
    shown.length ? null : h('p', { class: 'muted' }, t('inbox.none')),
    only
      ? shown.map((p) => proposalCard(p, names.get(p.facilityId) ?? '', refresh, regions, true))
      : [group('pending', 'inbox.pending'), group('accepted', 'inbox.accepted'), group('admitted', 'inbox.admitted')],
  );
  return true;
}

async function myFacilities(): Promise<Facility[]> {
  return (await get<{ items: Facility[] }>('/facilities?limit=100')).items;
}

/** Her facilities, or without a network the numbers the phone kept (with when they were read). */
async function boardFacilities(): Promise<{ facilities: Facility[]; keptAt: string | null }> {
  try {
    const facilities = await myFacilities();
    remember(facilities);
    return { facilities, keptAt: null };
  } catch (e) {
    const kept = recall();
    if (!(e instanceof ApiError && e.status === 0) || !kept) throw e;
    return { facilities: kept.facilities, keptAt: kept.at };
  }
}

export const bedsPage: Page = async (root, _params, claims) => {
  const { facilities, keptAt } = await boardFacilities();
  const names = new Map(facilities.map((f) => [f.id, f.name ?? label('type', f.type)]));
  const inboxEl = h('section', { class: 'inbox', 'aria-labelledby': 'inbox-title' });
  const boards = h('div', { class: 'facilities' }, ...facilities.map((f) => facilityCard(f, true)));
  // "numbers read at 16:17, kept on this phone": only until fresh numbers arrive (the stream, a read, a save)
  const staleNote = keptAt ? keptNote(keptAt) : null;
  const fresh = () => staleNote?.remove();
  const reload = async () => (put(boards, ...(await myFacilities()).map((f) => facilityCard(f, true))), fresh());
  const stopSent = onOutcome((_, o) => o.type === 'sent' && fresh());
  put(
    root,
    h('h1', {}, t('beds.title')),
    staleNote,
    facilities.length ? null : h('p', {}, t('beds.none')),
    boards,
    claims.role === 'shelter_manager' ? inboxEl : null,
    claims.role === 'shelter_manager' ? pushControl() : null,
  );
  // something waits for her answer: the inbox comes first (on a phone, above the counters)
  const order = () => {
    // above the counters while something waits for her: a proposal to decide, or an arrival to record
    if (inboxEl.querySelector('[data-group="pending"], [data-group="accepted"]')) boards.before(inboxEl);
    else boards.after(inboxEl);
  };
  // an acceptance, an admission or a discharge moves the beds, and may move the inbox above or below them
  const changed = async () => (await reload(), order());
  if (claims.role === 'shelter_manager')
    await inbox(inboxEl, names, undefined, changed)
      .then(order)
      .catch((e) => {
        // without a network the board still works; the inbox says it cannot be read
        if (!(e instanceof ApiError && e.status === 0) && !isOffline()) throw e;
        put(inboxEl, h('h2', { id: 'inbox-title' }, t('inbox.title')), notice('info', t('error.network')));
      });
  const stopTick = tickCountdowns(root);
  // new proposals and changed numbers come by the stream (polled every half minute only while it is down);
  // the inbox is never redrawn over a half-written decision: what came meanwhile is read once she is done
  const unsaved = () => root.querySelector('[data-dirty="true"]') !== null;
  let inboxMissed = false;
  const mine = new Set(facilities.map((f) => f.id));
  const readInbox = coalesce(async () => {
    if (unsaved()) {
      inboxMissed = true;
      return;
    }
    inboxMissed = false;
    // the reads take a moment: a decision she opened meanwhile is not drawn over (read again once she is done)
    await keepingOutcome(() =>
      inbox(inboxEl, names, undefined, changed, () => !unsaved()).then((drawn) => (drawn ? order() : (inboxMissed = true))),
    );
  });
  const readBoard = (id: string) =>
    get<Availability>(`/facilities/${id}/availability`).then((a) => {
      fresh();
      root.querySelector(`[data-facility="${id}"]`)?.dispatchEvent(new CustomEvent('availability', { detail: a }));
    });
  const stopLive = follow({
    onEvent: (e) => {
      if (e.type === 'proposal' && mine.has(e.data.facilityId) && claims.role === 'shelter_manager') void readInbox();
      if (e.type === 'availability' && mine.has(e.data.facilityId)) void readBoard(e.data.facilityId).catch(() => undefined);
    },
    resync: () => Promise.all([claims.role === 'shelter_manager' ? readInbox() : null, ...[...mine].map(readBoard)]),
    fallbackMs: 30_000,
  });
  const catchUp = window.setInterval(() => inboxMissed && void readInbox(), 5000);
  return () => (sendWaiting(), stopTick(), stopLive(), stopSent(), window.clearInterval(catchUp));
};

/** The page of one facility (e-mail links about its availability): its board for its managers, read-only for others. */
export const facilityPage: Page = async (root, [id], claims) => {
  const f = await get<Facility>(`/facilities/${id}`);
  const editable = claims.role === 'shelter_manager' || claims.role === 'admin';
  put(
    root,
    h('h1', {}, f.name ?? t('facility.title')),
    h('p', {}, h('a', { href: '#/beds' }, t('nav.beds'))),
    facilityCard(f, editable),
    facilityFacts(f),
  );
};

/** The page of one proposal (e-mail links): the facility decides here; a UOR goes to its request. */
export const proposalPage: Page = async (root, [id], claims) => {
  const p = await get<Proposal>(`/proposals/${id}`);
  if (claims.role === 'uor') return go(`/requests/${p.requestId}`);
  const facility = await get<Facility>(`/facilities/${p.facilityId}`).catch(() => null);
  const names = new Map([[p.facilityId, facility?.name ?? '']]);
  const el = h('section', { class: 'inbox', 'aria-labelledby': 'inbox-title' });
  put(root, h('h1', {}, t('proposal.title', { code: p.case?.caseCode ?? '' })), h('p', {}, h('a', { href: '#/beds' }, t('nav.beds'))), el);
  await inbox(el, names, id);
  const stopTick = tickCountdowns(root);
  return () => (sendWaiting(), stopTick());
};
