/** What the server, the scheduler and the worker share in one engine process. */
import { EventEmitter } from 'node:events';
import type { EngineConfig } from '../config.js';
import type { ReportSource } from '../sources/report-source.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../logging/logger.js';
import type { OrgConnections } from '../salesforce/org-connections.js';

export interface AccountEvents {
  connected: [orgId: string];
  disconnected: [orgId: string];
  /** The org's token stopped working; the account waits for a reconnection. */
  revoked: [orgId: string];
}

export interface EngineContext {
  config: EngineConfig;
  logger: Logger;
  store: Store;
  orgs: OrgConnections;
  source: ReportSource;
  /** Accounts connected or disconnected through this process (the scheduler follows them). */
  accountEvents: EventEmitter<AccountEvents>;
}
