/** Subjects and bodies in Italian with an English line. Only the case code, the kind of event and a
 * link: never a profile field, an operator note or an address. Pure functions, tested as such
 * (templates.spec.ts renders every one: no doubled punctuation, no "undefined", no personal data). */
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
  /** the headline: the subject after "[Approdo]" and the body's first sentence (no final stop) */
  it: string;
  en: string;
  /** whether the reference is a case code worth a line of its own ("Caso: LIG-2026-0042") */
  about: 'case' | 'facility' | 'invitation';
}

const TEMPLATES: Record<NotificationEvent, Template> = {
  proposal_created: { it: 'Nuova proposta di inserimento', en: 'New placement proposal', about: 'case' },
  proposal_accepted: { it: 'Proposta accettata', en: 'Proposal accepted', about: 'case' },
  proposal_declined: { it: 'Proposta rifiutata', en: 'Proposal declined', about: 'case' },
  proposal_expired: {
    it: 'Proposta scaduta, il posto non è più riservato',
    en: 'Proposal expired, the place is no longer held',
    about: 'case',
  },
  proposal_withdrawn: {
    it: 'Proposta ritirata, il posto non è più riservato',
    en: 'Proposal withdrawn, the place is no longer held',
    about: 'case',
  },
  proposal_cross_region: {
    it: 'Proposta di inserimento verso una struttura della vostra regione da un’altra regione',
    en: 'A placement proposal from another region to a facility of your region',
    about: 'case',
  },
  hold_expiring: { it: 'La riserva del posto sta per scadere', en: 'The place hold is about to expire', about: 'case' },
  availability_stale: { it: 'Disponibilità da confermare', en: 'Availability needs confirming', about: 'facility' },
  availability_stale_escalation: {
    it: 'Disponibilità non confermata da una struttura della regione',
    en: 'A facility of the region has not confirmed its availability',
    about: 'facility',
  },
  // the subject says what she is invited as; who invited her and where is in the body
  member_invited: { it: 'Invito ad accedere', en: 'Invitation to sign in', about: 'invitation' },
};

/** An invitation's details: who invited her (a member's name or office, never a victim's data), as what, where. */
export interface Invitation {
  /** "Maria Rossi (Amministrazione)", "l’Unità operativa regionale della Liguria" */
  by: { it: string; en: string };
  role: { it: string; en: string };
  /** "per le strutture Casa Levante e Casa Golfo", "per la regione Liguria"; empty for national roles */
  where: { it: string; en: string } | null;
  /** her fiscal code is on the invitation (never in the mail): she may also sign in with SPID or CIE */
  spid: boolean;
}

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

/** One line per sentence, in Italian and in English; the link is added by `render`. */
function sentences(t: Template, reference: string, invitation?: Invitation): { it: string[]; en: string[] } {
  if (t.about === 'invitation' && invitation) {
    const where = invitation.where;
    return {
      it: [
        `${invitation.by.it} ti invita ad Approdo come ${invitation.role.it}${where ? ` ${where.it}` : ''}.`,
        invitation.spid
          ? 'Per entrare apri il link qui sotto e accedi dalla pagina della rete con questo indirizzo e-mail, oppure con SPID o CIE.'
          : 'Per entrare apri il link qui sotto e accedi dalla pagina della rete con questo indirizzo e-mail.',
      ],
      en: [
        `${invitation.by.en} invited you to Approdo as ${invitation.role.en}${where ? ` ${where.en}` : ''}.`,
        invitation.spid
          ? 'To enter, open the link below and sign in on the network’s page with this e-mail address, or with SPID or CIE.'
          : 'To enter, open the link below and sign in on the network’s page with this e-mail address.',
      ],
    };
  }
  const it = [`${t.it}.`];
  const en = [`${t.en}.`];
  if (t.about === 'case' && reference) {
    it.push(`Caso: ${reference}.`);
    en.push(`Case: ${reference}.`);
  }
  return { it, en };
}

/**
 * `reference` is a case code (or, for availability, the word "struttura", which the mail does not
 * repeat): never personal data. `invitation` says who invited her, as what and where.
 */
export function render(event: NotificationEvent, reference: string, link: string, invitation?: Invitation): RenderedMail {
  const t = TEMPLATES[event];
  const { it, en } = sentences(t, reference, invitation);
  const subject = `[Approdo] ${t.it}${t.about === 'case' && reference ? ` – ${reference}` : ''}`;
  const text = [
    ...it,
    `Apri il link (accesso riservato): ${link}`,
    '',
    `EN: ${en.join(' ')} Link (sign-in required): ${link}`,
    '',
    'Messaggio automatico di Approdo, non rispondere.',
  ].join('\n');
  const html =
    it.map((s) => `<p>${escapeHtml(s)}</p>`).join('') +
    `<p><a href="${escapeHtml(link)}">Apri il link</a> (accesso riservato).</p>` +
    `<p lang="en">EN: ${escapeHtml(en.join(' '))} <a href="${escapeHtml(link)}">Open the link</a> (sign-in required).</p>` +
    `<p><small>Messaggio automatico di Approdo, non rispondere.</small></p>`;
  return { subject, text, html };
}
