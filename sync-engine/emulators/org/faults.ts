/**
 * Fault injection for one org, switchable at any time from tests (the org handle) and from the CLI
 * (flags and the `/_emulator/faults` control endpoint).
 */
import { seededRandom } from '../sample-population.js';

/** A validation rule: when `predicate` is true for the record as it would be saved, the save fails. */
export interface ValidationRule {
  object: string;
  /** Receives the record as REST would serialise it (canonical field names, datetimes as strings). */
  predicate: (record: Record<string, unknown>) => boolean;
  message: string;
  /** The field the error is shown on (`fields: [field]`); absent → a page-level error (`fields: []`). */
  field?: string;
  /**
   * The per-record code: FIELD_CUSTOM_VALIDATION_EXCEPTION (a validation rule, the default), or
   * DUPLICATES_DETECTED for a duplicate rule that blocks the save ("Use one of these records?" is the
   * message the REST guide prints for one, in "allOrNone Parameters in Composite and Collections Requests").
   */
  statusCode?: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' | 'DUPLICATES_DETECTED';
}

export interface FaultSettings {
  /** Added to every API request, in milliseconds. */
  latencyMs: number;
  /** Share (0–1) of API requests answered 503 SERVER_UNAVAILABLE. */
  serviceUnavailableShare: number;
  /** Methods the 503s apply to (e.g. `['PATCH','POST']`, which jsforce never retries); empty: all. */
  serviceUnavailableMethods: string[];
  /** Share (0–1) of written records that fail with UNABLE_TO_LOCK_ROW. */
  lockErrorShare: number;
  /** Record ids that always fail with UNABLE_TO_LOCK_ROW while listed. */
  lockedIds: Set<string>;
  validationRules: ValidationRule[];
}

export class OrgFaults implements FaultSettings {
  latencyMs = 0;
  serviceUnavailableShare = 0;
  serviceUnavailableMethods: string[] = [];
  lockErrorShare = 0;
  lockedIds = new Set<string>();
  validationRules: ValidationRule[] = [];
  /** The next this many API requests (of `serviceUnavailableMethods`, when set) answer 503, deterministically. */
  serviceUnavailableNext = 0;
  private readonly random: () => number;

  constructor(
    private readonly actions: { expireSessions(): void; revokeRefreshTokens(): void; exhaustQuota(): void },
    seed = 1
  ) {
    this.random = seededRandom(seed);
  }

  /** Ends every access token now: the next API call gets 401 INVALID_SESSION_ID (and jsforce refreshes). */
  expireSessions(): void {
    this.actions.expireSessions();
  }

  /** Revokes every refresh token (and its sessions): the next refresh gets `invalid_grant`. */
  revokeRefreshTokens(): void {
    this.actions.revokeRefreshTokens();
  }

  /** Spends the rest of today's API quota: the next counted call gets 403 REQUEST_LIMIT_EXCEEDED. */
  exhaustQuota(): void {
    this.actions.exhaustQuota();
  }

  /** Switches every fault off. */
  reset(): void {
    this.latencyMs = 0;
    this.serviceUnavailableShare = 0;
    this.serviceUnavailableMethods = [];
    this.lockErrorShare = 0;
    this.lockedIds.clear();
    this.validationRules = [];
    this.serviceUnavailableNext = 0;
  }

  shouldFailWith503(method: string): boolean {
    if (this.serviceUnavailableShare <= 0 && this.serviceUnavailableNext <= 0) return false;
    if (
      this.serviceUnavailableMethods.length > 0 &&
      !this.serviceUnavailableMethods.includes(method.toUpperCase())
    ) {
      return false;
    }
    if (this.serviceUnavailableNext > 0) {
      this.serviceUnavailableNext -= 1;
      return true;
    }
    return this.random() < this.serviceUnavailableShare;
  }

  shouldLock(id: string): boolean {
    return this.lockedIds.has(id) || (this.lockErrorShare > 0 && this.random() < this.lockErrorShare);
  }
}
