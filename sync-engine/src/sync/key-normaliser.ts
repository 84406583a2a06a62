/**
 * Report keys become match keys the way SOQL compares strings: trimmed, and without case unless the
 * Salesforce key field is case-sensitive (reference/salesforce-api.md §3: `=`/`IN` ignore case except on
 * case-sensitive unique fields).
 */
export function normaliseKey(raw: string | null | undefined, caseSensitive: boolean): string {
  const trimmed = (raw ?? '').trim();
  return caseSensitive ? trimmed : trimmed.toLowerCase();
}

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
