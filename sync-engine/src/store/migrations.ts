/**
 * The engine's schema, as numbered migrations applied in order, once, under an advisory lock so that several
 * workers starting together on one PostgreSQL do not race. Never edit a released migration: add the next one.
 */
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'accounts, runs, row results, report catalog, schedule state',
    sql: `
      CREATE TABLE accounts (
        org_id text PRIMARY KEY,
        org_name text NOT NULL,
        environment text NOT NULL CHECK (environment IN ('production', 'sandbox')),
        is_sandbox boolean NOT NULL,
        login_url text NOT NULL,
        instance_url text NOT NULL,
        user_id text NOT NULL,
        username text NOT NULL,
        scopes text NOT NULL,
        refresh_token_enc text NOT NULL,
        status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'needs_reconnection')),
        status_message text,
        connection_record_id text,
        connected_at timestamptz NOT NULL,
        last_heartbeat_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE oauth_states (
        state text PRIMARY KEY,
        session_id text NOT NULL,
        environment text NOT NULL,
        login_url text NOT NULL,
        code_verifier_enc text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE runs (
        id text PRIMARY KEY,
        org_id text NOT NULL,
        integration_id text NOT NULL,
        integration_name text NOT NULL DEFAULT '',
        trigger text NOT NULL CHECK (trigger IN ('Scheduled', 'Manual')),
        request_key text NOT NULL,
        sf_run_id text,
        dry_run boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('Queued', 'Running', 'Completed', 'Completed with errors', 'Failed')),
        attempts integer NOT NULL DEFAULT 0,
        worker text,
        heartbeat_at timestamptz,
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        ended_at timestamptz,
        counts jsonb,
        api_calls integer,
        error text,
        log jsonb NOT NULL DEFAULT '[]'::jsonb,
        UNIQUE (org_id, integration_id, request_key)
      );
      CREATE INDEX runs_requested_at ON runs (requested_at DESC);
      CREATE INDEX runs_status ON runs (status);
      CREATE TABLE row_results (
        run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        key text NOT NULL,
        outcome text NOT NULL,
        record_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        reason text,
        status_code text,
        PRIMARY KEY (run_id, row_number)
      );
      CREATE TABLE report_catalog (
        report_id text PRIMARY KEY,
        name text NOT NULL,
        tags jsonb NOT NULL,
        environment text NOT NULL,
        columns jsonb NOT NULL,
        row_count integer,
        refreshed_at timestamptz NOT NULL
      );
      CREATE TABLE schedule_state (
        org_id text NOT NULL,
        integration_id text NOT NULL,
        integration_name text NOT NULL,
        schedule_type text NOT NULL,
        hour_utc integer NOT NULL,
        interval_hours integer,
        active boolean NOT NULL,
        definition jsonb NOT NULL,
        next_due_at timestamptz,
        last_enqueued_at timestamptz,
        seen_at timestamptz NOT NULL,
        PRIMARY KEY (org_id, integration_id)
      );
    `
  },
  {
    version: 2,
    name: 'last platform event seen per org, for Run Now replay',
    sql: `ALTER TABLE accounts ADD COLUMN run_request_replay_id bigint;`
  },
  {
    version: 3,
    name: 'operator sign-in: what a pending authorization is for, and who is signed in to which org',
    sql: `
      ALTER TABLE oauth_states ADD COLUMN purpose text NOT NULL DEFAULT 'connect'
        CHECK (purpose IN ('connect', 'signin'));
      ALTER TABLE oauth_states ADD COLUMN nonce text;
      CREATE TABLE operator_sessions (
        session_hash text NOT NULL,
        org_id text NOT NULL,
        org_name text NOT NULL,
        environment text NOT NULL CHECK (environment IN ('production', 'sandbox')),
        login_url text NOT NULL,
        user_id text NOT NULL,
        username text NOT NULL,
        checked_at timestamptz NOT NULL,
        PRIMARY KEY (session_hash, org_id)
      );
      CREATE INDEX operator_sessions_checked_at ON operator_sessions (checked_at);
    `
  },
  {
    version: 4,
    name: 'run closings the org could not take yet, delivered on the next contact',
    sql: `
      CREATE TABLE pending_closings (
        run_id text PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        org_id text NOT NULL,
        sf_run_id text NOT NULL,
        integration_id text,
        result jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX pending_closings_org ON pending_closings (org_id);
    `
  },
  {
    version: 5,
    name: 'when the report catalog last reached each org',
    sql: `ALTER TABLE accounts ADD COLUMN catalog_pushed_at timestamptz;`
  },
  {
    version: 6,
    name: "a run's plan, progress and rejected rows by reason; an integration paused by the operator",
    sql: `
      ALTER TABLE runs ADD COLUMN strategy jsonb;
      ALTER TABLE runs ADD COLUMN progress jsonb;
      ALTER TABLE runs ADD COLUMN rejected_by_reason jsonb NOT NULL DEFAULT '[]'::jsonb;
      ALTER TABLE runs ADD COLUMN rejected_omitted integer NOT NULL DEFAULT 0;
      CREATE INDEX runs_org_requested ON runs (org_id, requested_at DESC);
      ALTER TABLE schedule_state ADD COLUMN paused_at timestamptz;
      ALTER TABLE schedule_state ADD COLUMN paused_by text;
    `
  }
];

/** Advisory lock key shared by every engine process migrating the same database. */
const MIGRATION_LOCK = 7_411_992;

/** Applies the migrations not yet applied; returns the versions it applied. */
export async function migrate(db: Db): Promise<number[]> {
  return await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS engine_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`
    );
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM engine_migrations')).map((r) => r.version)
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.executeSql(migration.sql);
      await tx.query('INSERT INTO engine_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
