/** Keeps a long-running command up until SIGINT/SIGTERM, then stops it gracefully (a second signal forces). */
export async function serveUntilSignal(stop: () => Promise<void>): Promise<number> {
  const code = await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write(
        `\n${signal}: stopping: runs in progress finish their current batch and close their records (Ctrl+C again to force)…\n`
      );
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`${String(error)}\n`);
          resolve(1);
        }
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  exitIfLingering(code);
  return code;
}

/**
 * Once everything is stopped, the process should end; jsforce's CometD (Faye) client can keep a reconnect
 * timer alive after its disconnect, so a stopped command exits after a grace second regardless.
 */
export function exitIfLingering(code: number): void {
  setTimeout(() => process.exit(code), 1_000).unref();
}
