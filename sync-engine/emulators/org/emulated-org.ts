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
import { TokenStore, type EmulatedUser, type RefreshToken } from './oauth/token-store.js';
import type { EventBusSnapshot, OrgContext, OrgEventBus } from './org-context.js';
import { API_VERSION, OrgRecords } from './org-records.js';
import type { StoredRecord } from './record-store.js';
import { apiGuard, callKindOf, requestSizeGuard } from './rest/request-guards.js';
import { NOT_FOUND_MESSAGE, salesforceErrorHandler, sendError, sendJson } from './rest/responses.js';
import { createRestRouter } from './rest/rest-router.js';
import { buildOrgSchema, type OrgSchema } from './schema/org-schema.js';
import { readPackagePermissionSets } from './schema/package-metadata.js';
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

/** The profiles a user can be given: each owns a permission set, as in a real org. */
export type EmulatedProfile = 'System Administrator' | 'Standard User';

export interface NewUser {
  username: string;
  firstName: string;
  lastName: string;
  profile: EmulatedProfile;
  /** Names of the package's permission sets assigned to the user (`WalkMe_Integration_Admin`, …). */
  permissionSets?: string[];
}

/** Data persisted across restarts: records, refresh tokens (so connected apps stay connected), events. */
export interface OrgSnapshot {
  idCounter: number;
  tables: Record<string, StoredRecord[]>;
  refreshTokens?: Array<[string, RefreshToken]>;
  events?: EventBusSnapshot;
}

/** Supported API versions, oldest first; Salesforce retired everything below 31.0. */
const VERSIONS = Array.from({ length: 62 - 31 + 1 }, (_, i) => 31 + i);

const supportsVersion = (version: string): boolean => VERSIONS.some((v) => `${v}.0` === version);

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
    this.seedPermissionSets();
    this.admin = this.createAdmin();
    this.events = createEventBus({ defaultCreatedById: this.admin.id });
    this.tokens.apps.push({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      callbackUrls: config.callbackUrls
    });
    this.app = this.createApp();
  }

  /** Profile-owned permission sets and the package's own, with the system permissions the engine reads. */
  private seedPermissionSets(): void {
    const profiles = [
      { Name: 'X00e_SystemAdministrator', Label: 'System Administrator', modifyAll: true, viewSetup: true },
      { Name: 'X00e_StandardUser', Label: 'Standard User', modifyAll: false, viewSetup: false }
    ];
    this.records.load('PermissionSet', [
      ...profiles.map((p) => ({
        Name: p.Name,
        Label: p.Label,
        IsOwnedByProfile: true,
        PermissionsModifyAllData: p.modifyAll,
        PermissionsViewSetup: p.viewSetup
      })),
      ...readPackagePermissionSets(this.config.objectsDir).map((p) => ({
        Name: p.name,
        Label: p.label,
        IsOwnedByProfile: false,
        PermissionsModifyAllData: p.userPermissions.includes('ModifyAllData'),
        PermissionsViewSetup: p.userPermissions.includes('ViewSetup')
      }))
    ]);
  }

  /** The permission set a profile owns, or a package permission set by name. */
  private permissionSetId(name: string): string {
    const label = name === 'System Administrator' || name === 'Standard User' ? name : undefined;
    const row = [...this.records.store.table('PermissionSet').all()].find((p) =>
      label ? p.IsOwnedByProfile && p.Label === label : p.Name === name
    );
    if (!row) throw new Error(`No permission set ${name} in the emulated org.`);
    return String(row.Id);
  }

  /** Adds a user who can sign in with the org's password, with a profile and package permission sets. */
  addUser(spec: NewUser): EmulatedUser {
    const [user] = this.records.load('User', [
      {
        Username: spec.username,
        FirstName: spec.firstName,
        LastName: spec.lastName,
        Email: spec.username.replace(/\.sandbox$/, ''),
        Alias: `${spec.firstName[0]}${spec.lastName}`.toLowerCase().slice(0, 8),
        UserType: 'Standard'
      }
    ]);
    this.records.load(
      'PermissionSetAssignment',
      [spec.profile, ...(spec.permissionSets ?? [])].map((name) => ({
        AssigneeId: user.Id,
        PermissionSetId: this.permissionSetId(name)
      }))
    );
    const emulated: EmulatedUser = {
      id: user.Id,
      username: spec.username,
      password: this.config.password,
      email: String(user.Email),
      firstName: spec.firstName,
      lastName: spec.lastName
    };
    this.tokens.users.push(emulated);
    return emulated;
  }

  /** Whether the user holds View Setup and Configuration through their profile or a permission set. */
  canViewSetup(userId: string): boolean {
    const sets = new Map([...this.records.store.table('PermissionSet').all()].map((p) => [p.Id, p]));
    return [...this.records.store.table('PermissionSetAssignment').all()].some(
      (a) => a.AssigneeId === userId && sets.get(String(a.PermissionSetId))?.PermissionsViewSetup === true
    );
  }

  private createAdmin(): EmulatedUser {
    const admin = this.addUser({
      username: this.config.username,
      firstName: 'Ada',
      lastName: 'Admin',
      profile: 'System Administrator'
    });
    this.records.actingUserId = admin.id;
    // Rows seeded before the admin existed are the admin's, as an org's first rows are its first user's.
    for (const name of ['User', 'PermissionSet', 'PermissionSetAssignment']) {
      const table = this.records.store.table(name);
      for (const row of table.all())
        if (!row.CreatedById) table.update(row.Id, { CreatedById: admin.id, LastModifiedById: admin.id });
    }
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
      if (!supportsVersion(version)) {
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
    app.use(
      versioned,
      createRestRouter(
        this,
        (userId) => this.canViewSetup(userId),
        (version) => supportsVersion(version)
      )
    );
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
    return {
      idCounter: this.records.ids.counter,
      tables,
      refreshTokens: this.tokens.savedRefreshTokens(),
      events: this.events.snapshot()
    };
  }

  /** Replaces the data with a snapshot (users with their assignments; the Organization and permission sets stay). */
  restore(snapshot: OrgSnapshot): void {
    for (const [objectName, rows] of Object.entries(snapshot.tables)) {
      const table = this.records.store.table(objectName);
      if (objectName === 'User' || objectName === 'PermissionSetAssignment') table.clear();
      for (const row of rows) table.insert(row);
      this.records.restored(objectName, rows);
    }
    this.records.ids.counter = Math.max(this.records.ids.counter, snapshot.idCounter);
    if (snapshot.refreshTokens) this.tokens.restoreRefreshTokens(snapshot.refreshTokens);
    if (snapshot.events) this.events.restore(snapshot.events);
  }
}

export { API_VERSION };
