/**
 * Turns what jsforce throws into a sentence an admin can act on. A revoked or expired refresh token
 * surfaces as `invalid_grant` from the token endpoint, or, during an automatic refresh, as "Unable to
 * refresh session due to: expired access/refresh token" (reference/salesforce-api.md §1).
 */
export function describeSalesforceFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const errorCode = (error as { errorCode?: string } | null)?.errorCode ?? '';
  if (
    name === 'invalid_grant' ||
    errorCode === 'invalid_grant' ||
    /invalid_grant|Unable to refresh session|expired access\/refresh token|No refresh token/i.test(message)
  ) {
    return `The connection to Salesforce was revoked or has expired (${message}): reconnect the account.`;
  }
  if (name === 'REQUEST_LIMIT_EXCEEDED' || errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    return `Salesforce refused the call: the org's daily API limit is exhausted (${message}).`;
  }
  if (name === 'INVALID_SESSION_ID' || errorCode === 'INVALID_SESSION_ID') {
    return `The Salesforce session is no longer valid and could not be renewed (${message}): reconnect the account.`;
  }
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}
