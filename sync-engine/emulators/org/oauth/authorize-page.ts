/**
 * The emulator's authorize page: sign in and allow access in one form (Salesforce shows a login page
 * then an "Allow Access?" page; one step keeps scripted browsers simple). The form posts back to
 * `/services/oauth2/authorize` with the original parameters.
 */

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  );

const CARRIED = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'scope',
  'code_challenge',
  'nonce',
  'login_hint'
];

export function renderAuthorizePage(
  params: Record<string, string | undefined>,
  error: string | null
): string {
  const hidden = CARRIED.filter((k) => params[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params[k]!)}">`)
    .join('\n      ');
  const username = escapeHtml(params.username ?? params.login_hint ?? '');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Login | Salesforce (emulator)</title></head>
  <body>
    <main>
      <h1>Sign in to the emulated org</h1>
      <p>The application <strong>${escapeHtml(params.client_id ?? '')}</strong> asks to access your data (${escapeHtml(params.scope ?? 'api refresh_token id')}).</p>
      ${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ''}
      <form method="post" action="/services/oauth2/authorize">
      ${hidden}
      <label>Username <input name="username" id="username" autocomplete="username" value="${username}"></label>
      <label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
      <button type="submit" name="action" value="allow" id="allow">Log In and Allow</button>
      <button type="submit" name="action" value="deny" id="deny">Deny</button>
      </form>
    </main>
  </body>
</html>
`;
}
