/**
 * Failures a run reports. One type, with a kind set where the failure is first understood, so that what the
 * engine does next (stop, retry, mark the account) never depends on a message's wording; each kind says what
 * to do, for the run log and the admin.
 */

export type FailureKind =
  /** The org took the engine's access back (refresh token revoked or expired). */
  | 'revoked'
  /** The engine's own configuration is wrong (the connected app's client id or secret, a setting). */
  | 'misconfigured'
  /** The org's daily API allowance is spent. */
  | 'quota'
  /** Salesforce or the network failed for a moment (5xx, 429, a reset connection, a timeout). */
  | 'transient'
  /** The org no longer has what the integration maps (an object, a field, its type or access). */
  | 'schema'
  /** The report or its rows (unreadable, untagged, a column missing). */
  | 'data'
  /** The mass-change guard stopped the run before it wrote (a report far smaller, a field cleared widely). */
  | 'mass-change'
  /** A defect in the engine. */
  | 'internal';

export const FAILURE_ADVICE: Record<FailureKind, string> = {
  revoked: 'To resume, reconnect the account in the engine console.',
  misconfigured:
    "Fix the engine's setting named above and restart it; the connected accounts are fine and need nothing.",
  quota:
    "Nothing more is sent today; the next run after the org's 24-hour API window catches up. If this recurs, raise the org's API limit or run less often.",
  transient:
    'Salesforce or the network failed for a moment, retries included; the next run catches up and nothing needs changing.',
  schema: 'Remap it in the integration (or restore it in the org), then run again.',
  data: 'Fix the report or the named rows at their source; the next run picks them up.',
  'mass-change':
    'If the change is expected, tick "Allow Large Changes Once" on the integration (or change its mass-change threshold) and run again; otherwise fix the export at its source.',
  internal: 'This is a defect in the engine: report it with this run log.'
};

/** A run that cannot go on, and why, by kind. */
export class RunFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options);
    this.name = 'RunFailure';
  }

  /** The message and what to do about it. */
  get advice(): string {
    return `${this.message} ${FAILURE_ADVICE[this.kind]}`;
  }
}

/** The report source failed (unreachable, refused, malformed stream): named, with the source's reason. */
export function reportUnreadable(reportName: string, error: unknown): RunFailure {
  return new RunFailure('data', `The report "${reportName}" could not be read: ${(error as Error).message}`, {
    cause: error
  });
}

/** Thrown before any work when the forecast exceeds what the org has left today. */
export class BudgetExceededError extends RunFailure {
  constructor(
    readonly needed: number,
    readonly remaining: number
  ) {
    super(
      'quota',
      `The daily API budget is insufficient: this run needs up to ${needed} calls and the org has ${remaining} left today.`
    );
    this.name = 'BudgetExceededError';
  }
}
