/** Subjects and bodies in Italian with an English line. Only the case code, the kind of event and a
 * link: never a profile field, an operator note or an address. Pure functions, tested as such. */
export const EVENTS = [
  'proposal_created',
  'proposal_accepted',
  'proposal_declined',
  'proposal_expired',
  'proposal_withdrawn',
  'proposal_cross_region',
  'hold_expiring',
  'availability_stale',
  'availability_stale_escalation',
  'member_invited',
] as const;
export type NotificationEvent = (typeof EVENTS)[number];

interface Template {
  it: string;
  en: string;
}

const TEMPLATES: Record<NotificationEvent, Template> = {
  proposal_created: { it: 'Nuova proposta di inserimento', en: 'New placement proposal' },
  proposal_accepted: { it: 'Proposta accettata', en: 'Proposal accepted' },
  proposal_declined: { it: 'Proposta rifiutata', en: 'Proposal declined' },
  proposal_expired: { it: 'Proposta scaduta: il posto non è più riservato', en: 'Proposal expired: the place is no longer held' },
  proposal_withdrawn: { it: 'Proposta ritirata: il posto non è più riservato', en: 'Proposal withdrawn: the place is no longer held' },
  proposal_cross_region: {
    it: 'Proposta di inserimento verso una struttura della vostra regione da un’altra regione',
    en: 'A placement proposal from another region to a facility of your region',
  },
  hold_expiring: { it: 'La riserva del posto sta per scadere', en: 'The place hold is about to expire' },
  availability_stale: { it: 'Disponibilità da confermare', en: 'Availability needs confirming' },
  availability_stale_escalation: {
    it: 'Disponibilità non confermata da una struttura della regione',
    en: 'A facility of the region has not confirmed its availability',
  },
  // the reference is the word "Approdo": an invitation carries no personal data beyond the address it is sent to
  member_invited: { it: 'Sei invitata ad accedere ad Approdo', en: 'You are invited to sign in to Approdo' },
};

/** Where a message's link lands: the page of the thing it is about (the pages route after `#`). */
export const pagePath = {
  proposal: (id: string) => `/#/proposals/${id}`,
  facility: (id: string) => `/#/facilities/${id}`,
};

/** A push notification's title (Italian, as the e-mail subjects; the pages open in the reader's language). */
export const titleOf = (event: NotificationEvent): string => TEMPLATES[event].it;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** `reference` is a case code or, for availability, the word "struttura": never personal data. */
export function render(event: NotificationEvent, reference: string, link: string): RenderedMail {
  const t = TEMPLATES[event];
  const subject = `[Approdo] ${t.it} – ${reference}`;
  const text = [
    `${t.it}: ${reference}.`,
    `Apri il link per i dettagli (accesso riservato): ${link}`,
    '',
    `EN: ${t.en}: ${reference}. Details (sign-in required): ${link}`,
    '',
    'Messaggio automatico di Approdo: non rispondere.',
  ].join('\n');
  const html =
    `<p>${escapeHtml(t.it)}: <strong>${escapeHtml(reference)}</strong>.</p>` +
    `<p><a href="${escapeHtml(link)}">Apri i dettagli</a> (accesso riservato).</p>` +
    `<p lang="en">EN: ${escapeHtml(t.en)}: ${escapeHtml(reference)}. <a href="${escapeHtml(link)}">Details</a> (sign-in required).</p>` +
    `<p><small>Messaggio automatico di Approdo: non rispondere.</small></p>`;
  return { subject, text, html };
}
