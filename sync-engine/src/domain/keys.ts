/**
 * Report keys become match keys the way SOQL compares strings: trimmed, and without case unless the
 * Salesforce key field is case-sensitive (reference/salesforce-api.md §3: `=`/`IN` ignore case except on
 * case-sensitive unique fields).
 */
export function normaliseKey(raw: string | null | undefined, caseSensitive: boolean): string {
  const trimmed = (raw ?? '').trim();
  return caseSensitive ? trimmed : trimmed.toLowerCase();
}
