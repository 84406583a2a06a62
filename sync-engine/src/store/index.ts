/** The engine's state: one database, its stores. */
import { AccountStore } from './accounts.js';
import { CatalogStore } from './catalog.js';
import type { Db } from './db.js';
import { OperatorSessionStore } from './operator-sessions.js';
import { PendingClosingStore } from './pending-closings.js';
import { RunStore } from './runs.js';
import { ScheduleStore, type NextDue } from './schedules.js';
import type { TokenCipher } from './token-cipher.js';

export interface Store {
  db: Db;
  cipher: TokenCipher;
  accounts: AccountStore;
  runs: RunStore;
  catalog: CatalogStore;
  schedules: ScheduleStore;
  operators: OperatorSessionStore;
  pendingClosings: PendingClosingStore;
}

export function createStore(db: Db, cipher: TokenCipher, nextDue: NextDue): Store {
  return {
    db,
    cipher,
    accounts: new AccountStore(db, cipher),
    runs: new RunStore(db),
    catalog: new CatalogStore(db),
    schedules: new ScheduleStore(db, nextDue),
    operators: new OperatorSessionStore(db),
    pendingClosings: new PendingClosingStore(db)
  };
}
