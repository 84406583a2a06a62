/** Failures a run reports: each message is what the admin reads. */

/** A run that cannot go on. */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/** The report source failed (unreachable, refused, malformed stream): named, with the source's reason. */
export function reportUnreadable(reportName: string, error: unknown): RunFailure {
  return new RunFailure(`The report "${reportName}" could not be read: ${(error as Error).message}`);
}

/** Thrown before any work when the forecast exceeds what the org has left today. */
export class BudgetExceededError extends Error {
  constructor(
    readonly needed: number,
    readonly remaining: number
  ) {
    super(
      `The daily API budget is insufficient: this run needs up to ${needed} calls and the org has ${remaining} left today.`
    );
    this.name = 'BudgetExceededError';
  }
}
