/**
 * Remembers the keys seen so far in a report. The first row with a key is the one synced; every later
 * row with the same key is invalid ("duplicate key in report"), so a streamed report never has to be
 * read twice and the row that wins is predictable.
 */
export class ReportKeyRegistry {
  private readonly firstRow = new Map<string, number>();

  /** The row that first used `key`, or undefined after registering `row` as its first user. */
  claim(key: string, row: number): number | undefined {
    const first = this.firstRow.get(key);
    if (first !== undefined) return first;
    this.firstRow.set(key, row);
    return undefined;
  }
}
