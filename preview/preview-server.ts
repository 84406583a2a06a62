/**
 * The preview's HTTP server: the compiled page (preview/build.ts), the SLDS styles and icons, and the Apex
 * bridge, answering from one emulated org through a jsforce connection logged in with the password grant.
 */
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Connection } from '@jsforce/jsforce-node';
import express from 'express';
import { apexRoutes } from './bridge/apex-routes.js';
import { DEFAULT_DIST_DIR, ensurePreviewBuilt } from './build.js';

const SLDS_ASSETS = fileURLToPath(
  new URL('../node_modules/@salesforce-ux/design-system/assets', import.meta.url)
);

/** The org the bridge acts in, as an admin signs in: the OAuth username-password flow. */
export interface PreviewOrg {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface PreviewServerOptions {
  org: PreviewOrg;
  port: number;
  host?: string;
  distDir?: string;
}

export interface PreviewServer {
  url: string;
  stop(): Promise<void>;
}

/** A connection that logs in again when its session ends (the emulator's sessions last two hours, as an org's). */
export async function orgConnection(org: PreviewOrg): Promise<Connection> {
  const login = (conn: Connection) => conn.login(org.username, org.password);
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
    refreshFn: (expired, callback) => {
      login(expired).then(
        () => callback(null, expired.accessToken ?? undefined),
        (error: Error) => callback(error)
      );
    }
  });
  await login(conn);
  return conn;
}

/** Builds the page if its sources changed, logs in to the org and listens. */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const distDir = options.distDir ?? DEFAULT_DIST_DIR;
  await ensurePreviewBuilt(distDir);
  const conn = await orgConnection(options.org);
  const app = express();
  app.use(apexRoutes(conn));
  app.use('/assets', express.static(SLDS_ASSETS, { fallthrough: false }));
  app.use(express.static(distDir));
  const server = app.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve()))
      );
    }
  };
}
