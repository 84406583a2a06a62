/** A run that cannot go on; its message is what the admin reads. */
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
