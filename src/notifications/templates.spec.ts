import { EVENTS, type Invitation, type NotificationEvent, render, type RenderedMail } from './templates.js';

const LINK = 'http://localhost:3000/#/proposals/0b6f0c1e-8a53-4f63-9a8e-0d1c2b3a4f5e';
const INVITATIONS: Invitation[] = [
  {
    by: { it: 'Maria Rossi (amministrazione di Approdo)', en: 'Maria Rossi (the Approdo administration)' },
    role: { it: 'responsabile di struttura', en: 'shelter manager' },
    where: { it: 'per Casa Levante e Casa Golfo', en: 'for Casa Levante and Casa Golfo' },
    spid: true,
  },
  {
    by: { it: 'L’Unità operativa regionale della regione Liguria', en: 'The regional operating unit of Liguria' },
    role: { it: 'unità operativa regionale', en: 'regional operating unit' },
    where: { it: 'per la regione Liguria', en: 'for Liguria' },
    spid: false,
  },
  {
    by: { it: 'L’amministrazione di Approdo', en: 'The Approdo administration' },
    role: { it: 'referente della rete nazionale', en: 'national network officer' },
    where: null,
    spid: false,
  },
];

/** What the jobs and services pass as the reference of each event (jobs.service.ts, the lifecycle services). */
const REFERENCE: Record<NotificationEvent, string> = {
  proposal_created: 'LIG-2026-0042',
  proposal_accepted: 'LIG-2026-0042',
  proposal_declined: 'LIG-2026-0042',
  proposal_expired: 'LIG-2026-0042',
  proposal_withdrawn: 'LIG-2026-0042',
  proposal_cross_region: 'TOS-2026-0007',
  hold_expiring: 'LIG-2026-0042',
  availability_stale: 'struttura',
  availability_stale_escalation: 'struttura',
  member_invited: '',
};

/** Every template rendered with sample data: each event, and the invitation in each of its shapes. */
const ALL: [string, RenderedMail][] = [
  ...EVENTS.filter((e) => e !== 'member_invited').map((e): [string, RenderedMail] => [e, render(e, REFERENCE[e], LINK)]),
  ...INVITATIONS.map((inv, i): [string, RenderedMail] => [
    `member_invited #${i + 1}`,
    render('member_invited', '', 'http://localhost:3000/auth/login?returnTo=%2F', inv),
  ]),
];

/** The words of a text without its links (a URL's "://" is not punctuation) and without HTML tags. */
const words = (s: string) =>
  s
    .replace(/https?:\/\/\S+?(?=["<\s]|$)/g, 'LINK')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'");

describe('mail templates: every one rendered', () => {
  it.each(ALL)('%s: no doubled punctuation, no "undefined" or "null", the brand once in the subject', (_name, m) => {
    for (const part of [m.subject, m.text, words(m.html)]) {
      const text = words(part);
      // "::", ". .", ":.", ".:" , ",,", "– –" …: a sentence pasted after a sentence that already ended
      expect(text).not.toMatch(/[.:;,!?–]\s*[.:;,!?–]/);
      expect(text).not.toMatch(/\b(undefined|null|NaN)\b|\[object /);
      // "Proposta ritirata: il posto non è più riservato: LIG-…": two colons in one sentence read as "::"
      for (const sentence of text.split(/[.\n]/)) expect(sentence.split(':').length).toBeLessThanOrEqual(2);
    }
    // two spaces in a line: a piece of the sentence left empty
    for (const part of [m.subject, m.text]) expect(part).not.toMatch(/\S {2,}/);
    expect(m.subject.match(/Approdo/g)).toHaveLength(1);
    expect(m.subject).toMatch(/^\[Approdo\] \S/);
  });

  it.each(ALL)('%s: Italian first, then English, and the link in both', (_name, m) => {
    expect(m.text).toMatch(/\nEN: /);
    expect(m.html).toContain('lang="en"');
    expect(m.text.match(/http:\/\/localhost:3000\//g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('a case mail names the case once in the subject and once in each language; an availability mail no "struttura" reference', () => {
    const m = render('proposal_withdrawn', 'LIG-2026-0042', LINK);
    expect(m.subject).toBe('[Approdo] Proposta ritirata, il posto non è più riservato – LIG-2026-0042');
    expect(m.text).toContain('Caso: LIG-2026-0042.');
    expect(m.text).toContain('Case: LIG-2026-0042.');
    const stale = render('availability_stale', 'struttura', LINK);
    expect(stale.subject).toBe('[Approdo] Disponibilità da confermare');
    expect(stale.text).not.toMatch(/struttura\b(?! )/);
  });

  it('the invitation says who invited her, as what, where, and how to sign in', () => {
    const m = render('member_invited', '', 'http://localhost:3000/auth/login?returnTo=%2F', INVITATIONS[0]);
    expect(m.subject).toBe('[Approdo] Invito ad accedere');
    expect(m.text).toContain(
      'Maria Rossi (amministrazione di Approdo) ti invita ad Approdo come responsabile di struttura per Casa Levante e Casa Golfo.',
    );
    expect(m.text).toMatch(/accedi .* con questo indirizzo e-mail, oppure con SPID o CIE\./);
    expect(render('member_invited', '', 'http://x/auth/login', INVITATIONS[1]).text).not.toContain('SPID');
    expect(m.text).toContain('Shelter manager'.toLowerCase());
  });

  it('carries no personal data: only the reference and the link it is given', () => {
    // the sample a careless caller might have at hand: none of it can reach a mail, the signature has no place for it
    const person = ['Nigeria', 'pcm', '24 anni', 'FRRGLI85M41D969X', 'Via Nascosta 1'];
    for (const [, m] of ALL) for (const x of person) expect(`${m.subject}\n${m.text}\n${m.html}`).not.toContain(x);
  });

  it('escapes HTML', () => {
    const m = render('proposal_created', '<b>x</b>', 'http://h/?a=1&b=2');
    expect(m.html).not.toContain('<b>x</b>');
    expect(m.html).toContain('&#38;');
  });
});
