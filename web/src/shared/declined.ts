import { h } from '../core/dom.js';
import { label, t } from '../words/i18n.js';

/**
 * Why a house declined, and its note: on the UOR's request page ("Nota della struttura") and on the
 * manager's own declined proposal ("La tua nota"), so both read the same reason in the same words.
 */
export function declinedBox(
  p: { declineReason?: string | null; declineNote?: string | null },
  noteLabel: 'proposal.noteOfHouse' | 'proposal.yourNote',
): HTMLElement | null {
  if (!p.declineReason) return null;
  return h(
    'div',
    { class: 'declined', 'data-decline-reason': p.declineReason },
    h('p', {}, h('strong', {}, `${t('proposal.declineReason')}: `), label('decline', p.declineReason)),
    p.declineNote ? h('p', { class: 'decline-note' }, h('strong', {}, `${t(noteLabel)}: `), p.declineNote) : null,
  );
}
