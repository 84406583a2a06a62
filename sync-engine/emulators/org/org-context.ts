/**
 * What one emulated org offers to the protocol modules (REST, Bulk API 2.0, CometD).
 *
 * The REST core owns the org's data, schema, accounting and faults; the Bulk API 2.0 and Streaming
 * modules are routers that work only through this interface, so each protocol applies the same
 * Salesforce rules to the same records.
 */
import type { Router } from 'express';

/** A per-record error as sObject Collections and Bulk API 2.0 report it. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** One entry of an sObject Collections answer, in request order. */
export interface SaveResult {
  id: string | null;
  success: boolean;
  errors: RecordError[];
}

/**
 * A request-level failure, answered as `[{"message","errorCode","fields"?}]` with `status`.
 * Thrown by the data API (e.g. MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, NOT_FOUND) and turned into
 * Salesforce's error body by the REST core's error handler.
 */
export class SalesforceApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[]
  ) {
    super(message);
    this.name = errorCode;
  }
}

/** A field as `GET …/sobjects/{name}/describe` returns it (the keys jsforce and the engine read). */
export interface FieldDescribe {
  name: string;
  label: string;
  type: string;
  soapType: string;
  length: number;
  precision: number;
  scale: number;
  digits: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  unique: boolean;
  externalId: boolean;
  idLookup: boolean;
  caseSensitive: boolean;
  custom: boolean;
  calculated: boolean;
  filterable: boolean;
  defaultValue: unknown;
  inlineHelpText: string | null;
  picklistValues: Array<{ value: string; label: string; active: boolean; defaultValue: boolean }>;
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
}

/** An object as `GET …/sobjects/{name}/describe` returns it. */
export interface SObjectDescribe {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  fields: FieldDescribe[];
  [key: string]: unknown;
}

/** The org's records, under Salesforce's rules. Every method is synchronous and in memory. */
export interface OrgData {
  /** Throws SalesforceApiError(404, 'NOT_FOUND') for an unknown object. */
  describe(objectName: string): SObjectDescribe;
  /**
   * Runs a SOQL statement and returns every matching row as REST would serialise it
   * (`attributes`, 18-character ids, datetimes as `…000+0000`). Throws MALFORMED_QUERY, INVALID_FIELD,
   * INVALID_TYPE as SalesforceApiError(400, …).
   */
  query(soql: string): Array<Record<string, unknown>>;
  /**
   * Updates records exactly as sObject Collections does: each record carries `Id` (or `id`) and the
   * fields to set, already typed as JSON values; per-record validation, faults (lock errors, validation
   * rules), `allOrNone` rollback. Returns one SaveResult per record, in order.
   */
  update(objectName: string, records: Array<Record<string, unknown>>, allOrNone: boolean): SaveResult[];
  /** Inserts records with the same rules as update (required fields, defaults, new 18-char ids). */
  insert(objectName: string, records: Array<Record<string, unknown>>, allOrNone: boolean): SaveResult[];
}

/** One published platform event as CometD delivers it in `data`. */
export interface PlatformEventMessage {
  schema: string;
  payload: Record<string, unknown>;
  event: { EventUuid: string; replayId: number };
}

/** What the event bus keeps across restarts: the retained messages and the replay id counter. */
export interface EventBusSnapshot {
  lastReplayId: number;
  channels: Record<
    string,
    { retained: Array<{ message: PlatformEventMessage; publishedAt: number }>; droppedUpTo: number }
  >;
}

/** Platform events of one org: published by REST, delivered over CometD, retained for replay. */
export interface OrgEventBus {
  snapshot(): EventBusSnapshot;
  restore(snapshot: EventBusSnapshot): void;
  /** Publishes `payload` on `/event/{eventName}` and returns the message as delivered. */
  publish(eventName: string, payload: Record<string, unknown>): PlatformEventMessage;
  /**
   * Delivers every retained message after `replayFrom` (-2: all retained; -1: only new ones; N: after N)
   * and then every new one, until the returned function is called.
   */
  subscribe(
    channel: string,
    replayFrom: number,
    listener: (message: PlatformEventMessage) => void
  ): () => void;
}

/** The daily Bulk API allocations the org reports in `/limits`. */
export interface BulkAllocations {
  countIngestBatches(records: number): void;
  countQueryJob(): void;
}

/** What the protocol routers get for one org. Authentication and API-call accounting happen before them. */
export interface OrgContext {
  readonly orgId: string;
  readonly instanceUrl: string;
  readonly data: OrgData;
  readonly events: OrgEventBus;
  readonly allocations: BulkAllocations;
}

/**
 * A protocol module: mounted by the REST core at `/services/data/v:version/jobs` (Bulk API 2.0) or
 * `/cometd/:version` (Streaming API), behind the org's auth middleware (`res.locals.userId` is set).
 *
 * CometD exception: the Streaming API reports a missing, invalid or expired session inside Bayeux
 * (`401::Authentication invalid` with advice `reconnect: none`, which jsforce's AuthFailure extension
 * watches for), not as a REST 401. So on `/cometd/:version` the auth middleware calls `next()` WITHOUT
 * setting `res.locals.userId` when the session is bad, and the streaming router answers in Bayeux.
 */
export type OrgRouterFactory = (org: OrgContext) => Router;
