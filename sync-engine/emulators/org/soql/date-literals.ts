/**
 * SOQL date literals (`TODAY`, `LAST_N_DAYS:30`, …) as half-open UTC ranges [start, end) in epoch ms,
 * per the SOQL and SOSL Reference, "Date Formats and Date Literals". The emulator's users are in GMT.
 */
import { SalesforceApiError } from '../org-context.js';

const DAY = 86_400_000;

export interface TimeRange {
  start: number;
  end: number;
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function monthStart(now: Date, offset: number): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
}

/** The range a date literal denotes at `now`; throws MALFORMED_QUERY for a literal not supported. */
export function dateLiteralRange(literal: string, now = Date.now()): TimeRange {
  const today = startOfDay(now);
  const [name, arg] = literal.toUpperCase().split(':');
  const n = arg === undefined ? 0 : Number(arg);
  const date = new Date(now);
  switch (name) {
    case 'TODAY':
      return { start: today, end: today + DAY };
    case 'YESTERDAY':
      return { start: today - DAY, end: today };
    case 'TOMORROW':
      return { start: today + DAY, end: today + 2 * DAY };
    case 'LAST_N_DAYS':
      // Includes the current day and the n days before it.
      return { start: today - n * DAY, end: today + DAY };
    case 'NEXT_N_DAYS':
      // Starts tomorrow, excludes the current day.
      return { start: today + DAY, end: today + (n + 1) * DAY };
    case 'N_DAYS_AGO':
      return { start: today - n * DAY, end: today - (n - 1) * DAY };
    case 'THIS_MONTH':
      return { start: monthStart(date, 0), end: monthStart(date, 1) };
    case 'LAST_MONTH':
      return { start: monthStart(date, -1), end: monthStart(date, 0) };
    case 'NEXT_MONTH':
      return { start: monthStart(date, 1), end: monthStart(date, 2) };
    default:
      throw new SalesforceApiError(
        400,
        'MALFORMED_QUERY',
        `date literal ${literal} is not supported by the org emulator`
      );
  }
}
