import type { PersonProfile } from '../domain/types.js';

/** The lifecycle events reports count (the `event` column of report_fact). */
export const FACT_EVENTS = [
  'request_created',
  'first_proposal',
  'proposal',
  'acceptance',
  'admission',
  'decline',
  'expiry',
  'withdrawal',
  'discharge',
  'search_without_candidates',
  'closed_unplaced',
] as const;
export type FactEvent = (typeof FACT_EVENTS)[number];

export const AGE_BANDS = ['minor', '18_24', '25_34', '35_plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** An anonymous fact: only the dimensions reports group by. No case code, no id of a request or placement, no free text. */
export interface Fact {
  event: FactEvent;
  at: Date;
  regionCode?: string | null;
  facilityRegionCode?: string | null;
  fromRegionCode?: string | null;
  facilityId?: string | null;
  facilityType?: string | null;
  kind?: string | null;
  urgency?: string | null;
  gender?: string | null;
  ageBand?: AgeBand | null;
  exploitation?: string[];
  referralChannel?: string | null;
  nationality?: string | null;
  children?: number;
  childrenFemale?: number;
  childrenMale?: number;
  transfer?: boolean;
  reason?: string | null;
  hours?: number | null;
  /** discharge: nights from the admission to the discharge date */
  stayDays?: number | null;
}

export function ageBand(age: number): AgeBand {
  if (age < 18) return 'minor';
  if (age < 25) return '18_24';
  if (age < 35) return '25_34';
  return '35_plus';
}

/**
 * What `people` counts of a profile. Read defensively: `children[].sex` and `nationality` may not
 * exist in profiles stored before they were part of the contract.
 */
export function personDims(
  profile: PersonProfile | null,
): Pick<Fact, 'gender' | 'ageBand' | 'exploitation' | 'nationality' | 'children' | 'childrenFemale' | 'childrenMale'> {
  if (!profile)
    return { gender: null, ageBand: null, exploitation: [], nationality: null, children: 0, childrenFemale: 0, childrenMale: 0 };
  const p = profile as PersonProfile & { nationality?: string | null };
  const children = (p.children ?? []) as { age: number; sex?: string }[];
  const nationality = typeof p.nationality === 'string' && /^[A-Z]{2}$/.test(p.nationality) ? p.nationality : null;
  return {
    gender: p.gender,
    ageBand: typeof p.age === 'number' ? ageBand(p.age) : null,
    exploitation: [...new Set(p.exploitation ?? [])].sort(),
    nationality,
    children: children.length,
    childrenFemale: children.filter((c) => (c.sex ?? 'unknown') === 'female').length,
    childrenMale: children.filter((c) => (c.sex ?? 'unknown') === 'male').length,
  };
}

/** Hours from `from` to `to`, two decimals: durations are measured when the event happens, so facts need no request id. */
export const hoursBetween = (from: Date, to: Date) => Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 100) / 100;

/** The commonest exclusion reason of a search (ties: the precedence order the matcher reports them in). */
export function commonestExclusion(excluded: { reason: string; count: number }[]): string | null {
  let best: { reason: string; count: number } | null = null;
  for (const e of excluded) if (e.count > 0 && (!best || e.count > best.count)) best = e;
  return best?.reason ?? null;
}
