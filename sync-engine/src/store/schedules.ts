/**
 * Schedule state: each connected org's integrations as last read, with the next due time. The scheduler
 * refreshes it from the orgs and claims due slots here, inside the transaction that enqueues their runs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { IntegrationDefinition } from '../domain/integration.js';
import type { Queryable } from './db.js';

export interface ScheduledIntegration {
  orgId: string;
  integrationId: string;
  integrationName: string;
  definition: IntegrationDefinition;
  active: boolean;
  nextDueAt: Date | null;
  lastEnqueuedAt: Date | null;
  /** Paused by an operator in the engine console: its scheduled slots pass without a run. */
  pausedAt: Date | null;
  pausedBy: string | null;
}

export interface ScheduleChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Computes the first due time strictly after a moment, or null for manual-only schedules. */
export type NextDue = (schedule: IntegrationDefinition['schedule'], after: Date) => Date | null;

interface ScheduleRow {
  org_id: string;
  integration_id: string;
  integration_name: string;
  schedule_type: string;
  hour_utc: number;
  interval_hours: number | null;
  active: boolean;
  definition: IntegrationDefinition;
  next_due_at: Date | null;
  last_enqueued_at: Date | null;
  paused_at: Date | null;
  paused_by: string | null;
}

const toScheduled = (r: ScheduleRow): ScheduledIntegration => ({
  orgId: r.org_id,
  integrationId: r.integration_id,
  integrationName: r.integration_name,
  definition: r.definition,
  active: r.active,
  nextDueAt: r.next_due_at,
  lastEnqueuedAt: r.last_enqueued_at,
  pausedAt: r.paused_at,
  pausedBy: r.paused_by
});

const sameSchedule = (row: ScheduleRow, d: IntegrationDefinition) =>
  row.schedule_type === d.schedule.type &&
  row.hour_utc === d.schedule.hourUtc &&
  row.interval_hours === d.schedule.intervalHours &&
  row.active === d.active;

export class ScheduleStore {
  constructor(
    private readonly db: Queryable,
    private readonly nextDue: NextDue
  ) {}

  /**
   * Brings one org's schedule state in line with its integration records: new ones are scheduled from now,
   * a changed schedule or active flag is rescheduled from now, integrations gone from the org are dropped.
   */
  async sync(orgId: string, definitions: IntegrationDefinition[], now: Date): Promise<ScheduleChanges> {
    const existing = new Map(
      (await this.db.query<ScheduleRow>('SELECT * FROM schedule_state WHERE org_id = $1', [orgId])).map(
        (r) => [r.integration_id, r]
      )
    );
    const changes: ScheduleChanges = { added: [], changed: [], removed: [] };
    for (const d of definitions) {
      if (!d.id) continue;
      const row = existing.get(d.id);
      existing.delete(d.id);
      const reschedule = !row || !sameSchedule(row, d);
      const nextDueAt = d.active ? this.nextDue(d.schedule, now) : null;
      if (!row) changes.added.push(d.id);
      else if (reschedule || !isDeepStrictEqual(row.definition, JSON.parse(JSON.stringify(d))))
        changes.changed.push(d.id);
      await this.db.query(
        `INSERT INTO schedule_state (org_id, integration_id, integration_name, schedule_type, hour_utc, interval_hours,
           active, definition, next_due_at, seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (org_id, integration_id) DO UPDATE SET integration_name = $3, schedule_type = $4,
           hour_utc = $5, interval_hours = $6, active = $7, definition = $8, seen_at = $10,
           next_due_at = CASE WHEN $11::boolean THEN $9 ELSE schedule_state.next_due_at END`,
        [
          orgId,
          d.id,
          d.name,
          d.schedule.type,
          d.schedule.hourUtc,
          d.schedule.intervalHours,
          d.active,
          JSON.stringify(d),
          nextDueAt,
          now,
          reschedule
        ]
      );
    }
    for (const id of existing.keys()) {
      await this.db.query('DELETE FROM schedule_state WHERE org_id = $1 AND integration_id = $2', [
        orgId,
        id
      ]);
      changes.removed.push(id);
    }
    return changes;
  }

  /** Forgets an org's schedules (its account was disconnected). */
  async dropOrg(orgId: string): Promise<void> {
    await this.db.query('DELETE FROM schedule_state WHERE org_id = $1', [orgId]);
  }

  async list(orgId?: string): Promise<ScheduledIntegration[]> {
    const rows = await this.db.query<ScheduleRow>(
      'SELECT * FROM schedule_state WHERE $1::text IS NULL OR org_id = $1 ORDER BY org_id, integration_name',
      [orgId ?? null]
    );
    return rows.map(toScheduled);
  }

  /** Pauses (`by`: who) or resumes (null) an integration's scheduled runs; false when it is not known here. */
  async setPaused(orgId: string, integrationId: string, by: string | null): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE schedule_state SET paused_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, paused_by = $3
       WHERE org_id = $1 AND integration_id = $2 RETURNING integration_id`,
      [orgId, integrationId, by]
    );
    return rows.length > 0;
  }

  /**
   * Claims the due slots at `now` inside `tx`: each due integration moves to its next slot, and the slot it
   * leaves is returned once (never for a paused one) — rows locked by another worker's claim are skipped, never claimed twice.
   */
  async claimDue(tx: Queryable, now: Date): Promise<Array<ScheduledIntegration & { slot: Date }>> {
    const due = await tx.query<ScheduleRow>(
      `SELECT * FROM schedule_state WHERE active AND next_due_at <= $1 ORDER BY next_due_at
       FOR UPDATE SKIP LOCKED`,
      [now]
    );
    const claimed: Array<ScheduledIntegration & { slot: Date }> = [];
    for (const row of due) {
      const slot = row.next_due_at!;
      // A slot missed while the engine was down runs once, not once per missed slot.
      const next = this.nextDue(row.definition.schedule, now);
      if (row.paused_at) {
        // A paused integration's slot passes: resuming it never fires the slots missed meanwhile.
        await tx.query(
          'UPDATE schedule_state SET next_due_at = $3 WHERE org_id = $1 AND integration_id = $2',
          [row.org_id, row.integration_id, next]
        );
        continue;
      }
      await tx.query(
        'UPDATE schedule_state SET next_due_at = $3, last_enqueued_at = $4 WHERE org_id = $1 AND integration_id = $2',
        [row.org_id, row.integration_id, next, slot]
      );
      claimed.push({ ...toScheduled(row), nextDueAt: next, lastEnqueuedAt: slot, slot });
    }
    return claimed;
  }
}
