/**
 * When an integration is due. Daily runs at the hour (UTC); every-N-hours runs at that hour and every N hours
 * after it, counted from the start of each UTC day so the times read the same every day (every 6 h from 09:00:
 * 03:00, 09:00, 15:00, 21:00); manual integrations are never scheduled.
 */
import type { IntegrationDefinition } from '../domain/integration.js';

const HOUR = 3_600_000;

export function nextDue(schedule: IntegrationDefinition['schedule'], after: Date): Date | null {
  const hour = Math.min(23, Math.max(0, Math.trunc(schedule.hourUtc)));
  const dayStart = Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate());
  if (schedule.type === 'Manual') return null;
  const times: number[] = [];
  if (schedule.type === 'Daily') {
    times.push(hour);
  } else {
    const every = Math.min(24, Math.max(1, Math.trunc(schedule.intervalHours ?? 24)));
    for (let h = hour % every; h < 24; h += every) times.push(h);
  }
  // Today's remaining times, then tomorrow's first.
  for (const day of [dayStart, dayStart + 24 * HOUR]) {
    for (const h of times) {
      if (day + h * HOUR > after.getTime()) return new Date(day + h * HOUR);
    }
  }
  return null;
}
