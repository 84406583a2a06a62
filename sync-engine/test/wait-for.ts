/** The one polling wait of the tests: the scheduler's, the scale-out workers' and the browser's. */

type Falsy = false | 0 | '' | null | undefined;

/** Polls `probe` every `intervalMs` until it answers a truthy value, which it returns; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 15_000,
  intervalMs = 5
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
