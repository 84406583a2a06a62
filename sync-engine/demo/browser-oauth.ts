/**
 * Walks the engine's OAuth flows over HTTP as a browser would: the engine's redirect to the login host
 * (keeping the session cookie), the login host's approval redirect, and the callback. Used by the demo's
 * `start` against the org emulator (which approves by itself) and by the tests; a person does this in a real
 * browser.
 */
export interface BrowserFlowResult {
  status: number;
  body: string;
  /** The engine's session cookie (`name=value`) after the flow: a sign-in replaces it. */
  cookie: string | undefined;
  /** Where the engine's last answer sends the browser, if it redirects. */
  location: string | null;
}

async function step(url: string, cookie?: string): Promise<Response> {
  return await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

const sessionCookie = (res: Response, current: string | undefined) =>
  res.headers.get('set-cookie')?.split(';')[0] ?? current;

/** Starts at `path` on the engine and follows the flow back to the engine's answer to the callback. */
export async function browserFlow(
  engineUrl: string,
  path: string,
  cookie?: string
): Promise<BrowserFlowResult> {
  const start = await step(`${engineUrl}${path}`, cookie);
  let session = sessionCookie(start, cookie);
  let location = start.headers.get('location');
  if (start.status !== 302 || !location) {
    return { status: start.status, body: await start.text(), cookie: session, location };
  }
  // Follow the login host's redirects until they come back to the engine.
  for (let hops = 0; hops < 5 && !location.startsWith(engineUrl); hops += 1) {
    const res = await step(location);
    const next = res.headers.get('location');
    if (!next) return { status: res.status, body: await res.text(), cookie: session, location: null };
    location = new URL(next, location).toString();
  }
  const callback = await step(location, session);
  session = sessionCookie(callback, session);
  return {
    status: callback.status,
    body: await callback.text(),
    cookie: session,
    location: callback.headers.get('location')
  };
}

const loginQuery = (environment: string, loginUrl?: string) =>
  `environment=${environment}${loginUrl ? `&loginUrl=${encodeURIComponent(loginUrl)}` : ''}`;

export async function connectThroughBrowser(
  engineUrl: string,
  environment: 'production' | 'sandbox',
  loginUrl?: string,
  cookie?: string
): Promise<BrowserFlowResult> {
  return await browserFlow(engineUrl, `/oauth/connect?${loginQuery(environment, loginUrl)}`, cookie);
}

export async function signInThroughBrowser(
  engineUrl: string,
  environment: 'production' | 'sandbox',
  loginUrl?: string,
  cookie?: string
): Promise<BrowserFlowResult> {
  return await browserFlow(engineUrl, `/signin/salesforce?${loginQuery(environment, loginUrl)}`, cookie);
}
