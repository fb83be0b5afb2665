// The network's calendar day, once: Italy's. Discharge dates, report periods ("today", the default "to"),
// the pages' date fields and the report facts' `day` column (SQL, `AT TIME ZONE`) all use this zone.

/** The zone whose midnight ends the network's day. */
export const SERVICE_TIME_ZONE = 'Europe/Rome';

const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: SERVICE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) of an instant, in Italy: 23:30 UTC on 7 December is 8 December. */
export const dayOf = (at: Date): string => DAY.format(at);
