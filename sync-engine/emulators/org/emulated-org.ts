/**
 * One emulated org: its schema, users and connected app, records, event bus, accounting and faults,
 * served over HTTP on its own port (which is both its login URL and its instance URL).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request } from 'express';
import { ApiAccounting } from './api-accounting.js';
import { createBulk2Router, type Bulk2Options } from './bulk2.js';
import { createControlRouter } from './control-router.js';
import { createEventBus } from './event-bus.js';
import { OrgFaults } from './faults.js';
import { orgIdFor } from './ids.js';
import { createOAuthRouter } from './oauth/oauth-router.js';
import { TokenStore, type EmulatedUser } from './oauth/token-store.js';
import type { OrgContext, OrgEventBus } from './org-context.js';
import { API_VERSION, OrgRecords } from './org-records.js';
import type { StoredRecord } from './record-store.js';
import { apiGuard, callKindOf, requestSizeGuard } from './rest/request-guards.js';
import { NOT_FOUND_MESSAGE, salesforceErrorHandler, sendError, sendJson } from './rest/responses.js';
import { createRestRouter } from './rest/rest-router.js';
import { buildOrgSchema, type OrgSchema } from './schema/org-schema.js';
import { createStreamingRouter, type StreamingOptions } from './streaming.js';

export interface OrgConfig {
  /** 1, 2, …: makes the org id and record ids distinct across orgs. */
  number: number;
  name: string;
  isSandbox: boolean;
  objectsDir: string;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  dailyApiLimit: number;
  accessTokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
  autoApprove: boolean;
  /** Shorter CometD timeouts or a smaller upload limit, for tests. */
  streaming?: StreamingOptions;
  bulk2?: Bulk2Options;
}

/** Data persisted across restarts. */
export interface OrgSnapshot {
  idCounter: number;
  tables: Record<string, StoredRecord[]>;
}

/** Supported API versions, oldest first; Salesforce retired everything below 31.0. */
const VERSIONS = Array.from({ length: 62 - 31 + 1 }, (_, i) => 31 + i);

/** `Winter '25` for 62.0: three releases a year, Spring, Summer, Winter. */
function releaseLabel(version: number): string {
  const back = 62 - version;
  const season = ['Winter', 'Summer', 'Spring'][back % 3];
  const year = (season === 'Winter' ? 25 : 24) - Math.floor(back / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export class EmulatedOrg {
  readonly orgId: string;
  readonly schema: OrgSchema;
  readonly tokens: TokenStore;
  readonly accounting: ApiAccounting;
  readonly faults: OrgFaults;
  readonly events: OrgEventBus;
  readonly records: OrgRecords;
  readonly admin: EmulatedUser;
  readonly app: Express;
  private server: Server | null = null;
  private url = '';

  constructor(readonly config: OrgConfig) {
    this.orgId = orgIdFor(config.number);
    this.schema = buildOrgSchema(config.objectsDir);
    this.tokens = new TokenStore(this.orgId, {
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      rotateRefreshTokens: config.rotateRefreshTokens
    });
    this.accounting = new ApiAccounting(config.dailyApiLimit);
    this.faults = new OrgFaults(
      {
        expireSessions: () => this.tokens.expireAllSessions(),
        revokeRefreshTokens: () => this.tokens.revokeAllRefreshTokens(),
        exhaustQuota: () => this.accounting.setQuota({ remaining: 0 })
      },
      config.number
    );
    const pod = `${config.number}E`;
    this.records = new OrgRecords(
      this.schema,
      this.faults,
      (name, payload) => this.events.publish(name, payload),
      pod
    );
    this.admin = this.createAdmin();
    this.events = createEventBus({ defaultCreatedById: this.admin.id });
    this.tokens.apps.push({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      callbackUrls: config.callbackUrls
    });
    this.app = this.createApp();
  }

  private createAdmin(): EmulatedUser {
    const [user] = this.records.load('User', [
      {
        Username: this.config.username,
        FirstName: 'Ada',
        LastName: 'Admin',
        Email: this.config.username.replace(/\.sandbox$/, ''),
        Alias: 'aadmin',
        UserType: 'Standard'
      }
    ]);
    this.records.actingUserId = user.Id;
    this.records.store.table('User').update(user.Id, { CreatedById: user.Id, LastModifiedById: user.Id });
    const admin: EmulatedUser = {
      id: user.Id,
      username: this.config.username,
      password: this.config.password,
      email: String(user.Email),
      firstName: 'Ada',
      lastName: 'Admin'
    };
    this.tokens.users.push(admin);
    this.records.load('Organization', [
      {
        Id: this.orgId,
        Name: this.config.isSandbox ? 'Acme (Sandbox)' : 'Acme',
        IsSandbox: this.config.isSandbox,
        InstanceName: this.config.isSandbox ? 'CS224' : 'NA224',
        OrganizationType: 'Enterprise Edition',
        TrialExpirationDate: null,
        DefaultLocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        TimeZoneSidKey: 'GMT'
      }
    ]);
    return admin;
  }

  get baseUrl(): string {
    return this.url;
  }

  private createApp(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    app.use(requestSizeGuard);
    app.use(express.json({ limit: '50mb' }));
    app.use(
      createOAuthRouter({
        orgId: this.orgId,
        baseUrl: () => this.url,
        tokens: this.tokens,
        autoApprove: () => this.config.autoApprove
      })
    );
    app.use('/_emulator', createControlRouter(this));
    app.get(['/services/data', '/services/data/'], (_req, res) => {
      sendJson(
        res,
        200,
        VERSIONS.map((v) => ({
          label: releaseLabel(v),
          url: `/services/data/v${v}.0`,
          version: `${v}.0`
        })).reverse()
      );
    });
    const isEvent = (name: string) => this.schema.find(name)?.isEvent === true;
    const versioned = '/services/data/v:version';
    app.use(versioned, (req, res, next) => {
      const version = (req.params as { version: string }).version;
      if (!VERSIONS.some((v) => `${v}.0` === version)) {
        sendError(res, 404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
        return;
      }
      next();
    });
    app.use(
      versioned,
      apiGuard(this, (req: Request) => callKindOf(req.method, req.path, isEvent))
    );
    // What the Bulk API 2.0 and Streaming routers work through; the URL is known only after listen().
    const org = this.records;
    const self = () => this;
    const context: OrgContext = {
      orgId: this.orgId,
      get instanceUrl() {
        return self().url;
      },
      data: org,
      events: this.events,
      allocations: this.accounting
    };
    app.use(`${versioned}/jobs`, createBulk2Router(context, this.config.bulk2));
    app.use(versioned, createRestRouter(this));
    app.use(
      '/cometd/:version',
      apiGuard(this, () => 'streaming', { optional: true }),
      createStreamingRouter(context, this.config.streaming)
    );
    app.use((_req, res) => sendError(res, 404, 'NOT_FOUND', NOT_FOUND_MESSAGE));
    app.use(salesforceErrorHandler);
    return app;
  }

  async listen(port: number, host: string): Promise<string> {
    // Node's own header limit (16 KB) would answer 431 before Salesforce's rules: raise it and check ourselves.
    const server = createServer({ maxHeaderSize: 1024 * 1024 }, this.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  snapshot(): OrgSnapshot {
    const tables: Record<string, StoredRecord[]> = {};
    for (const table of this.records.store.nonEmpty()) {
      if (table.objectName === 'Organization') continue;
      tables[table.objectName] = [...table.all()];
    }
    return { idCounter: this.records.ids.counter, tables };
  }

  /** Replaces the data with a snapshot (users and the Organization record stay). */
  restore(snapshot: OrgSnapshot): void {
    for (const [objectName, rows] of Object.entries(snapshot.tables)) {
      const table = this.records.store.table(objectName);
      if (objectName === 'User') table.clear();
      for (const row of rows) table.insert(row);
    }
    this.records.ids.counter = Math.max(this.records.ids.counter, snapshot.idCounter);
  }
}

export { API_VERSION };
