/**
 * Walks the engine's OAuth connect flow over HTTP as a browser would: the engine's redirect to the login
 * host (keeping the session cookie), the login host's approval redirect, and the callback. Used by
 * the demo's `start` against the org emulator (which approves by itself); a person does this in a real browser.
 */
export interface BrowserFlowResult {
  status: number;
  body: string;
}

async function step(url: string, cookie?: string): Promise<Response> {
  return await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

export async function connectThroughBrowser(
  engineUrl: string,
  environment: 'production' | 'sandbox',
  loginUrl?: string
): Promise<BrowserFlowResult> {
  const start = await step(
    `${engineUrl}/oauth/connect?environment=${environment}${loginUrl ? `&loginUrl=${encodeURIComponent(loginUrl)}` : ''}`
  );
  const cookie = start.headers.get('set-cookie')?.split(';')[0];
  let location = start.headers.get('location');
  if (start.status !== 302 || !location) return { status: start.status, body: await start.text() };
  // Follow the login host's redirects until they come back to the engine.
  for (let hops = 0; hops < 5 && !location.startsWith(engineUrl); hops += 1) {
    const res = await step(location);
    const next = res.headers.get('location');
    if (!next) return { status: res.status, body: await res.text() };
    location = new URL(next, location).toString();
  }
  const callback = await step(location, cookie);
  return { status: callback.status, body: await callback.text() };
}
