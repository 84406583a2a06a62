/** The ids in an identity URL (`https://login.salesforce.com/id/<org id>/<user id>`), as the token response names it. */
export function idsOfIdentityUrl(url: string): { organizationId: string; userId: string } {
  const [userId = '', organizationId = ''] = url.split('/').reverse();
  return { organizationId, userId };
}
