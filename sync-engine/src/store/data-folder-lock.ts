/**
 * PGlite serves one process: a second engine process on the same data folder would abort inside the WASM
 * build with no useful message. The folder is claimed with a pid file instead, and a claim whose process is
 * gone (a crash, a SIGKILL) is taken over.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `dataDir` for this process; returns the function that releases it. */
export function lockDataFolder(dataDir: string): () => void {
  const path = join(dataDir, 'engine.pid');
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => rmSync(path, { force: true });
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new Error(
          `The data folder ${dataDir} is in use by another engine process (pid ${holder}): the embedded ` +
            'PGlite database serves one process. Stop that process, or set DATABASE_URL to a PostgreSQL ' +
            'that several processes can share.'
        );
      }
      rmSync(path, { force: true });
    }
  }
}
