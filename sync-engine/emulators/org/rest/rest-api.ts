/**
 * The REST resources of one org under `/services/data/vXX.X` — resources, describeGlobal, describe,
 * SOQL query/queryAll/queryMore, sObject CRUD (platform event publishing included), sObject Collections,
 * `/limits` and `/limits/recordCount` — as plain handlers from a call to an answer, shaped as in
 * reference/salesforce-api.md §2–§6. The Express router (rest-router.ts) serves them over HTTP, and the
 * composite resources (composite.ts) dispatch their subrequests to the very same handlers, so a
 * subrequest means exactly what the plain request means.
 */
import { createHash } from 'node:crypto';
import { SalesforceApiError, type SaveResult } from '../org-context.js';
import type { ApiAccounting } from '../api-accounting.js';
import type { OrgRecords } from '../org-records.js';
import type { ObjectDef } from '../schema/schema-types.js';
import { batchSizeOf, QueryCursors } from './query-cursors.js';
import { errorBody, NOT_FOUND_MESSAGE } from './responses.js';

/** One request to a REST resource, however it arrived (over HTTP, or as a composite subrequest). */
export interface RestCall {
  method: string;
  /** The path below `/services/data/vXX.X`, starting with `/`, without the query string, as sent. */
  path: string;
  query: URLSearchParams;
  /** Request headers by lowercase name. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** `62.0`. */
  version: string;
  userId: string;
  orgId: string;
  /** `http://127.0.0.1:4010`: where the identity URL points. */
  origin: string;
}

/** What a resource answers: `body` undefined means none (204, 304). */
export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What a resource is, for the composite resources' rules: which resources they accept, and which
 * count among the five query or Collections subrequests of one composite request.
 */
export type ResourceGroup = 'resources' | 'sobjects' | 'query' | 'collections' | 'limits' | 'composite';

type Handler = (call: RestCall, params: Record<string, string>) => RestAnswer;

interface Route {
  method: string;
  segments: string[];
  group: ResourceGroup;
  handler: Handler;
}

export interface RouteMatch {
  group: ResourceGroup;
  /** Runs the resource; throws SalesforceApiError as it fails. */
  run(call: RestCall): RestAnswer;
}

/** sObject Collections take at most 200 records per call. */
const MAX_COLLECTION_RECORDS = 200;

/**
 * Objects only users with "View Setup and Configuration" may query ("PermissionSetAssignment", Special Access
 * Rules: since Summer '20 View Setup and Configuration, Assign Permission Sets or Manage Users; this emulator
 * models View Setup only). What others get is an assumption: an invisible object's INVALID_TYPE [unverified].
 */
const SETUP_OBJECTS = new Set(['PermissionSet', 'PermissionSetAssignment']);

/** A SaveResult as JSON: failed creates carry no `id`. */
const saveResultJson = (r: SaveResult) => (r.id === null ? { success: r.success, errors: r.errors } : r);

/** A JSON answer. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): RestAnswer => ({
  status,
  body,
  ...(headers ? { headers } : {})
});

/** `Tue, 31 May 2016 18:13:37 GMT`. */
const httpDate = (epochMs: number): string => new Date(epochMs).toUTCString();

function limitsBody(accounting: ApiAccounting) {
  const fixed = (max: number) => ({ Max: max, Remaining: max });
  return {
    DailyApiRequests: { Max: accounting.max, Remaining: accounting.remaining },
    DailyAsyncApexExecutions: fixed(250000),
    DailyBulkApiBatches: { Max: 15000, Remaining: Math.max(0, 15000 - accounting.bulkBatches) },
    DailyBulkV2QueryFileStorageMB: fixed(976562),
    DailyBulkV2QueryJobs: { Max: 10000, Remaining: Math.max(0, 10000 - accounting.bulkQueryJobs) },
    DailyDeliveredPlatformEvents: fixed(50000),
    DailyStreamingApiEvents: fixed(1000000),
    DataStorageMB: fixed(1024),
    FileStorageMB: fixed(1024),
    HourlyPublishedPlatformEvents: fixed(250000),
    HourlyPublishedStandardVolumePlatformEvents: fixed(100000)
  };
}

export class RestApi {
  private readonly routes: Route[] = [];
  private readonly cursors = new QueryCursors();
  private readonly records: OrgRecords;

  constructor(
    private readonly org: { records: OrgRecords; accounting: ApiAccounting },
    private readonly canViewSetup: (userId: string) => boolean
  ) {
    this.records = org.records;
    this.defineRoutes();
  }

  /** Adds a resource; `pattern` like `/sobjects/:object/:id` (literal segments match in any case). */
  add(method: string, pattern: string, group: ResourceGroup, handler: Handler): void {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), group, handler });
  }

  /** The group of the resource at `path`, whatever the method, or undefined when there is none. */
  groupOf(path: string): ResourceGroup | undefined {
    for (const method of new Set(this.routes.map((r) => r.method))) {
      const found = this.match(method, path);
      if (found) return found.group;
    }
    return undefined;
  }

  /** The resource a method and path name, or undefined when there is none. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matches = route.segments.every((segment, i) => {
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = decodeSegment(parts[i]);
          return true;
        }
        return segment.toLowerCase() === parts[i].toLowerCase();
      });
      if (matches) {
        const { handler } = route;
        return { group: route.group, run: (call) => handler(call, params) };
      }
    }
    return undefined;
  }

  /**
   * Runs the call's resource. Throws SalesforceApiError as the resource fails (the HTTP layer turns it
   * into Salesforce's error body); undefined when no resource has that path.
   */
  route(call: RestCall): RestAnswer | undefined {
    return this.match(call.method, call.path)?.run(call);
  }

  /** Like `route`, but never throws: errors and unknown paths answer as Salesforce's error bodies. */
  answer(call: RestCall): RestAnswer {
    return this.answerOf(() => this.route(call));
  }

  /** Runs `run`, answering its errors (and an undefined answer: no such resource) as Salesforce does. */
  answerOf(run: () => RestAnswer | undefined): RestAnswer {
    try {
      return run() ?? json(404, errorBody('NOT_FOUND', NOT_FOUND_MESSAGE));
    } catch (error) {
      if (error instanceof SalesforceApiError) {
        return json(error.status, errorBody(error.errorCode, error.message, error.fields));
      }
      return json(
        500,
        errorBody(
          'UNKNOWN_EXCEPTION',
          'An unexpected error occurred. Please include this ErrorId if you contact support: emulator'
        )
      );
    }
  }

  private defineRoutes(): void {
    const { records } = this;

    this.add('GET', '/', 'resources', (call) => {
      const base = `/services/data/v${call.version}`;
      return json(200, {
        limits: `${base}/limits`,
        sobjects: `${base}/sobjects`,
        query: `${base}/query`,
        queryAll: `${base}/queryAll`,
        composite: `${base}/composite`,
        jobs: `${base}/jobs`,
        identity: `${call.origin}/id/${call.orgId}/${call.userId}`
      });
    });

    this.add('GET', '/sobjects', 'sobjects', (call) =>
      json(200, records.schema.describeGlobal(call.version))
    );

    this.add('GET', '/sobjects/:object/describe', 'sobjects', (call, { object }) => {
      const describe = records.schema.describe(object, call.version);
      // The REST guide's composite example asks describe with If-Modified-Since and gets 304, no body,
      // ETag and Last-Modified ("Execute Dependent Requests in a Single API Call"); the ETag's form
      // (8 hex digits there) is copied, its meaning is the emulator's [unverified].
      const modified = records.schema.lastModified;
      const headers = {
        ETag: `"${createHash('sha1').update(JSON.stringify(describe)).digest('hex').slice(0, 8)}"`,
        'Last-Modified': httpDate(modified)
      };
      const since = Date.parse(call.headers['if-modified-since'] ?? '');
      if (!Number.isNaN(since) && modified <= since) return { status: 304, headers };
      return json(200, describe, headers);
    });

    this.add('GET', '/sobjects/:object', 'sobjects', (call, { object }) => {
      const describe = records.schema.describe(object, call.version);
      const {
        fields: _fields,
        childRelationships: _children,
        recordTypeInfos: _types,
        ...objectDescribe
      } = describe;
      return json(200, { objectDescribe, recentItems: [] });
    });

    const query =
      (includeDeleted: boolean): Handler =>
      (call) => {
        const q = call.query.get('q');
        if (q === null || q.trim() === '') {
          throw new SalesforceApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
        }
        const compiled = records.compile(q, includeDeleted, call.version);
        if (SETUP_OBJECTS.has(compiled.object.name) && !this.canViewSetup(call.userId)) {
          throw new SalesforceApiError(
            400,
            'INVALID_TYPE',
            `sObject type '${compiled.object.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
          );
        }
        const rows = compiled.run();
        if (compiled.countOnly) return json(200, { totalSize: rows.length, done: true, records: [] });
        const batchSize = batchSizeOf(call.headers['sforce-query-options']);
        return json(200, this.cursors.open(rows, compiled.project, batchSize, call.version));
      };
    this.add('GET', '/query', 'query', query(false));
    this.add('GET', '/queryAll', 'query', query(true));
    const queryMore: Handler = (call, { locator }) => {
      const page = this.cursors.more(locator, call.version);
      if (!page) throw new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return json(200, page);
    };
    this.add('GET', '/query/:locator', 'query', queryMore);
    this.add('GET', '/queryAll/:locator', 'query', queryMore);

    this.add('POST', '/sobjects/:object', 'sobjects', (call, { object }) => {
      const def = records.schema.find(object);
      if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
      const [result] = records.insert(def.name, [bodyObject(call)], true);
      if (!result.success) return recordFailure(result);
      // The Location header is what the REST guide's composite examples show for a create.
      return json(201, result, {
        Location: `/services/data/v${call.version}/sobjects/${def.name}/${result.id as string}`
      });
    });

    this.add('GET', '/sobjects/:object/:id', 'sobjects', (call, params) => {
      const def = records.schema.find(params.object);
      if (!def || !def.queryable) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
      const record = this.findRecord(def, params.id);
      if (record.IsDeleted === true) {
        throw new SalesforceApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted', []);
      }
      const wanted = call.query.get('fields');
      const fields = wanted?.split(',').map((name) => {
        const f = def.fieldIndex.get(name.trim().toLowerCase());
        if (!f) {
          throw new SalesforceApiError(
            400,
            'INVALID_FIELD',
            `No such column '${name.trim()}' on entity '${def.name}'.`
          );
        }
        return f;
      });
      // Asked-for fields come back with the Id last, as in the REST guide's composite example
      // (`?fields=Name,companyName,Title,City,State` answers those five and `Id`).
      const idField = def.fieldIndex.get('id');
      if (fields && idField && !fields.includes(idField)) fields.push(idField);
      const body = records.serialize(def, record, fields, call.version);
      // A whole record comes with ETag and Last-Modified, as the composite example shows (a quoted
      // base64 SHA-1 there too, of what the emulator does not know [unverified]); chosen fields come
      // without, as that example's and the null-field example's `?fields=` reads do.
      if (fields) return json(200, body);
      return json(200, body, {
        ETag: `"${createHash('sha1').update(JSON.stringify(body)).digest('base64')}"`,
        'Last-Modified': httpDate(Number(record.LastModifiedDate ?? record.CreatedDate ?? Date.now()))
      });
    });

    this.add('PATCH', '/sobjects/:object/:id', 'sobjects', (call, params) => {
      const def = records.schema.find(params.object);
      if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
      const { Id: _upper, id: _lower, ...fields } = bodyObject(call);
      const record = this.findRecord(def, params.id);
      const [result] = records.update(def.name, [{ ...fields, Id: record.Id }], true);
      if (!result.success) return recordFailure(result);
      return { status: 204 };
    });

    this.add('DELETE', '/sobjects/:object/:id', 'sobjects', (_call, params) => {
      const def = records.schema.find(params.object);
      if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
      records.delete(def.name, params.id);
      return { status: 204 };
    });

    this.add('PATCH', '/composite/sobjects', 'collections', this.collection('update'));
    this.add('POST', '/composite/sobjects', 'collections', this.collection('insert'));
    this.add('DELETE', '/composite/sobjects', 'collections', (call) => {
      const ids = call.query.get('ids')?.split(',') ?? [];
      if (ids.length > MAX_COLLECTION_RECORDS) {
        throw new SalesforceApiError(
          400,
          'EXCEEDED_ID_LIMIT',
          'record limit reached. cannot submit more than 200 records into this call'
        );
      }
      const results = ids.map((id): SaveResult => {
        const def = records.schema.byPrefix(id.slice(0, 3));
        try {
          if (!def) throw new SalesforceApiError(404, 'MALFORMED_ID', `malformed id ${id}`);
          records.delete(def.name, id);
          return { id, success: true, errors: [] };
        } catch (error) {
          const e = error as SalesforceApiError;
          const statusCode = e.errorCode === 'NOT_FOUND' ? 'INVALID_CROSS_REFERENCE_KEY' : e.errorCode;
          return { id: null, success: false, errors: [{ statusCode, message: e.message, fields: [] }] };
        }
      });
      return json(200, results.map(saveResultJson));
    });

    this.add('GET', '/limits', 'limits', () => json(200, limitsBody(this.org.accounting)));

    // "Record Count" (REST API Developer Guide, resources_record_count.htm): for users with View Setup
    // and Configuration; `sObjects` is a comma-delimited list, names not found are ignored; without it
    // every object is counted; deleted records in the recycle bin are not counted. Salesforce answers a
    // cached snapshot; the emulator counts live records.
    this.add('GET', '/limits/recordCount', 'limits', (call) => {
      if (!this.canViewSetup(call.userId)) {
        // Status, code and text for a user without View Setup are the emulator's [unverified].
        throw new SalesforceApiError(
          403,
          'INSUFFICIENT_ACCESS',
          'Insufficient Privileges: You do not have the level of access necessary to perform the operation you requested. Please contact the owner of the record or your administrator if access is necessary.'
        );
      }
      const asked = call.query.get('sObjects');
      const objects =
        asked === null
          ? // Every object: the queryable ones, by name [unverified: which objects and their order].
            records.schema.objects.filter((o) => o.queryable).sort((a, b) => a.name.localeCompare(b.name))
          : asked
              .split(',')
              .map((name) => records.schema.find(name.trim()))
              .filter((o): o is ObjectDef => o !== undefined && o.queryable);
      const count = (def: ObjectDef) => {
        let n = 0;
        for (const record of records.store.table(def.name).all()) if (record.IsDeleted !== true) n += 1;
        return n;
      };
      return json(200, { sObjects: objects.map((def) => ({ count: count(def), name: def.name })) });
    });
  }

  /** The record of that object and id; Salesforce answers 404 NOT_FOUND for an id of another object. */
  private findRecord(def: ObjectDef, id: string) {
    const record = this.records.find(def.name, id);
    if (!record || record.Id.slice(0, 3) !== def.keyPrefix) {
      throw new SalesforceApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${id}`
      );
    }
    return record;
  }

  /** Runs a Collections call record by record type, keeping the request order in the answer. */
  private collection(operation: 'insert' | 'update'): Handler {
    return (call) => {
      const body = bodyObject(call);
      const input = body.records;
      if (!Array.isArray(input))
        throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', "The 'records' array is required");
      if (input.length > MAX_COLLECTION_RECORDS) {
        throw new SalesforceApiError(
          400,
          'EXCEEDED_ID_LIMIT',
          'record limit reached. cannot submit more than 200 records into this call'
        );
      }
      const allOrNone = body.allOrNone === true;
      const groups = new Map<string, Array<{ index: number; record: Record<string, unknown> }>>();
      input.forEach((record: Record<string, unknown>, index) => {
        const type = (record?.attributes as { type?: string } | undefined)?.type;
        if (typeof type !== 'string')
          throw new SalesforceApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
        const group = groups.get(type) ?? [];
        group.push({ index, record });
        groups.set(type, group);
      });
      const results: SaveResult[] = new Array<SaveResult>(input.length);
      for (const [type, group] of groups) {
        const saved = this.records[operation](
          type,
          group.map((g) => g.record),
          allOrNone
        );
        saved.forEach((r, i) => (results[group[i].index] = r));
      }
      return json(200, results.map(saveResultJson));
    };
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function bodyObject(call: RestCall): Record<string, unknown> {
  const body = call.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Answers a single-record failure as the sObject resource does. */
function recordFailure(result: SaveResult): RestAnswer {
  const first = result.errors[0];
  if (first.statusCode === 'INVALID_CROSS_REFERENCE_KEY' && first.fields.length === 0) {
    return json(404, errorBody('NOT_FOUND', NOT_FOUND_MESSAGE));
  }
  if (first.statusCode === 'ENTITY_IS_DELETED') {
    return json(404, errorBody('ENTITY_IS_DELETED', first.message, []));
  }
  return json(
    400,
    result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }))
  );
}
