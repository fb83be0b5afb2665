import { ruleBroken } from '../../domain/errors.js';

/** The network works on Italian calendar days: a discharge at 00:30 in Rome is dated that day. */
export const SERVICE_TIME_ZONE = 'Europe/Rome';

const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: SERVICE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) of an instant, in Italy. */
export const dayOf = (at: Date): string => DAY.format(at);

/** A discharge date is not in the future and not before the admission (calendar days, in Italy). */
export function assertDischargeDate(date: string, admittedAt: Date, now: Date): void {
  const today = dayOf(now);
  if (date > today) throw ruleBroken('discharge_date_in_future', `date: ${date} is after today (${today})`, { field: 'date', today });
  const admitted = dayOf(admittedAt);
  if (date < admitted)
    throw ruleBroken('discharge_date_before_admission', `date: ${date} is before the admission (${admitted})`, { field: 'date', admitted });
}
