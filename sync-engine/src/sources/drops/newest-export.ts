/**
 * Which object of a drop is a report's export now, and whether it is recent enough to sync. A prefix holds
 * many days of exports; the newest one matching the report's pattern wins, by the time the service says it
 * was written (export file names are WalkMe's to choose, so their dates are not relied on), and a tie (the
 * services keep whole seconds) goes to the greater key, which is the later date in any dated naming.
 */
import { ReportStaleError } from '../report-source.js';
import type { StoredObject } from './object-store.js';

/** Hours a daily export may be late by default: a day, and half a day's slack for a late or slow export. */
export const DEFAULT_MAX_AGE_HOURS = 36;

const HOUR_MS = 3_600_000;

/**
 * A key pattern relative to the prefix: `*` matches within one folder level, `**` across levels, `?` one
 * character; anything else is literal. `logins-review/*.csv`; `logins-review/**.csv` also finds dated
 * sub-folders such as `logins-review/2026/12/01.csv`.
 */
export function keyPattern(pattern: string): (relativeKey: string) => boolean {
  const source = pattern.replace(/\*\*|[*?]|[.+^${}()|[\]\\]/g, (token) => {
    if (token === '**') return '.*';
    if (token === '*') return '[^/]*';
    if (token === '?') return '[^/]';
    return `\\${token}`;
  });
  const regex = new RegExp(`^${source}$`);
  return (relativeKey) => regex.test(relativeKey);
}

/** The newest of `objects` whose key, relative to `prefix`, `matches`; undefined if none does. */
export function newestObject(
  objects: StoredObject[],
  prefix: string,
  matches: (relativeKey: string) => boolean
): StoredObject | undefined {
  let newest: StoredObject | undefined;
  for (const object of objects) {
    if (!object.key.startsWith(prefix) || !matches(object.key.slice(prefix.length))) continue;
    const later =
      newest === undefined ||
      object.modifiedAt.getTime() > newest.modifiedAt.getTime() ||
      (object.modifiedAt.getTime() === newest.modifiedAt.getTime() && object.key > newest.key);
    if (later) newest = object;
  }
  return newest;
}

/** Refuses an export written more than `maxAgeHours` before `now` with a `ReportStaleError`. */
export function checkFresh(modifiedAt: Date, location: string, maxAgeHours: number, now: Date): void {
  if (now.getTime() - modifiedAt.getTime() > maxAgeHours * HOUR_MS) {
    throw new ReportStaleError(location, modifiedAt, maxAgeHours);
  }
}
