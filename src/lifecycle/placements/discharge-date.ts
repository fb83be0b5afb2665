import { ruleBroken } from '../../domain/errors.js';
// the network works on Italian calendar days (one rule, src/domain/italian-day.ts): a discharge at 00:30 in Rome is dated that day
import { dayOf, SERVICE_TIME_ZONE } from '../../domain/italian-day.js';

/** A discharge date is not in the future and not before the admission (calendar days, in Italy). */
export function assertDischargeDate(date: string, admittedAt: Date, now: Date): void {
  const today = dayOf(now);
  if (date > today) throw ruleBroken('discharge_date_in_future', `date: ${date} is after today (${today})`, { field: 'date', today });
  const admitted = dayOf(admittedAt);
  if (date < admitted)
    throw ruleBroken('discharge_date_before_admission', `date: ${date} is before the admission (${admitted})`, { field: 'date', admitted });
}

/** Clocks of phones and servers differ by a little: "now" on her phone is not refused as the future. */
const SKEW_MS = 2 * 60_000;
/** People give times to the minute: an event is compared with the minute it happened in. */
const minuteOf = (d: Date) => Math.floor(d.getTime() / 60_000) * 60_000;

/** The instant of a wall-clock time in Italy (`2026-12-01`, `14:05`), summer time or not. */
export function instantInItaly(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Rome's offset at that moment: the wall time read back in Rome, minus the UTC guess (twice, across a change of offset)
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: SERVICE_TIME_ZONE,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(new Date(t))
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - t;
  };
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at);
}

/** A discharge's time (optional, Italian wall clock) on its day: not in the future, not before the admission. */
export function dischargeInstant(date: string, time: string | undefined, admittedAt: Date, now: Date): Date {
  if (!time) return now;
  const at = instantInItaly(date, time);
  if (at.getTime() > now.getTime() + SKEW_MS)
    throw ruleBroken('discharge_time_in_future', `time: ${date} ${time} is after now`, { field: 'time' });
  if (at.getTime() < minuteOf(admittedAt))
    throw ruleBroken('discharge_date_before_admission', `time: ${date} ${time} is before the admission`, {
      field: 'time',
      admitted: dayOf(admittedAt),
    });
  return at;
}

/** An admission's time (optional: now): not in the future, not before the proposal was accepted. */
export function admissionInstant(at: string | undefined, acceptedAt: Date | null, now: Date): Date {
  if (!at) return now;
  const when = new Date(at);
  if (when.getTime() > now.getTime() + SKEW_MS) throw ruleBroken('admission_time_in_future', `at: ${at} is after now`, { field: 'at' });
  if (acceptedAt && when.getTime() < minuteOf(acceptedAt))
    throw ruleBroken('admission_time_before_acceptance', `at: ${at} is before the acceptance`, {
      field: 'at',
      accepted: dayOf(acceptedAt),
    });
  return when;
}
