/**
 * The REST API of one org under `/services/data/vXX.X`: resources, describeGlobal, describe, SOQL
 * query/queryAll/queryMore, sObject CRUD (including platform event publishing), sObject Collections
 * and `/limits` — shaped as in reference/salesforce-api.md §2–§6.
 */
import express, { type Request, type Response, type Router } from 'express';
import { SalesforceApiError, type SaveResult } from '../org-context.js';
import type { ApiAccounting } from '../api-accounting.js';
import type { OrgRecords } from '../org-records.js';
import type { ObjectDef } from '../schema/schema-types.js';
import { batchSizeOf, QueryCursors } from './query-cursors.js';
import { NOT_FOUND_MESSAGE, sendError, sendJson } from './responses.js';

/** sObject Collections take at most 200 records per call. */
const MAX_COLLECTION_RECORDS = 200;

const versionOf = (req: Request): string => (req.params as { version: string }).version;

/** A SaveResult as JSON: failed creates carry no `id`. */
const saveResultJson = (r: SaveResult) => (r.id === null ? { success: r.success, errors: r.errors } : r);

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

/**
 * Objects only users with "View Setup and Configuration" may query ("PermissionSetAssignment", Special Access
 * Rules: since Summer '20 View Setup and Configuration, Assign Permission Sets or Manage Users; this emulator
 * models View Setup only). What others get is an assumption: an invisible object's INVALID_TYPE [unverified].
 */
const SETUP_OBJECTS = new Set(['PermissionSet', 'PermissionSetAssignment']);

export function createRestRouter(
  org: { records: OrgRecords; accounting: ApiAccounting },
  canViewSetup: (userId: string) => boolean
): Router {
  const router = express.Router({ mergeParams: true });
  const cursors = new QueryCursors();
  const { records } = org;

  router.get('/', (req, res) => {
    const base = `/services/data/v${versionOf(req)}`;
    sendJson(res, 200, {
      limits: `${base}/limits`,
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      composite: `${base}/composite`,
      jobs: `${base}/jobs`,
      identity: `${req.protocol}://${req.get('host')}/id/${res.locals.orgId as string}/${res.locals.userId as string}`
    });
  });

  router.get('/sobjects', (req, res) => sendJson(res, 200, records.schema.describeGlobal(versionOf(req))));

  router.get('/sobjects/:object/describe', (req, res) => {
    sendJson(res, 200, records.schema.describe(req.params.object, versionOf(req)));
  });

  router.get('/sobjects/:object', (req, res) => {
    const describe = records.schema.describe(req.params.object, versionOf(req));
    const {
      fields: _fields,
      childRelationships: _children,
      recordTypeInfos: _types,
      ...objectDescribe
    } = describe;
    sendJson(res, 200, { objectDescribe, recentItems: [] });
  });

  const query = (includeDeleted: boolean) => (req: Request, res: Response) => {
    const q = req.query.q;
    if (typeof q !== 'string' || q.trim() === '') {
      sendError(res, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
      return;
    }
    const compiled = records.compile(q, includeDeleted, versionOf(req));
    if (SETUP_OBJECTS.has(compiled.object.name) && !canViewSetup(res.locals.userId as string)) {
      throw new SalesforceApiError(
        400,
        'INVALID_TYPE',
        `sObject type '${compiled.object.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    const rows = compiled.run();
    if (compiled.countOnly) {
      sendJson(res, 200, { totalSize: rows.length, done: true, records: [] });
      return;
    }
    sendJson(
      res,
      200,
      cursors.open(rows, compiled.project, batchSizeOf(req.get('sforce-query-options')), versionOf(req))
    );
  };
  router.get('/query', query(false));
  router.get('/queryAll', query(true));
  const queryMore = (req: Request, res: Response) => {
    const page = cursors.more(String(req.params.locator), versionOf(req));
    if (!page) {
      sendError(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      return;
    }
    sendJson(res, 200, page);
  };
  router.get('/query/:locator', queryMore);
  router.get('/queryAll/:locator', queryMore);

  /** Answers a single-record failure as the sObject resource does. */
  const sendRecordFailure = (res: Response, result: SaveResult): void => {
    const first = result.errors[0];
    if (first.statusCode === 'INVALID_CROSS_REFERENCE_KEY' && first.fields.length === 0) {
      sendError(res, 404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
      return;
    }
    if (first.statusCode === 'ENTITY_IS_DELETED') {
      sendError(res, 404, 'ENTITY_IS_DELETED', first.message, []);
      return;
    }
    sendJson(
      res,
      400,
      result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }))
    );
  };

  const bodyObject = (req: Request): Record<string, unknown> => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
    }
    return body as Record<string, unknown>;
  };

  router.post('/sobjects/:object', (req, res) => {
    const def = records.schema.find(req.params.object);
    if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
    const [result] = records.insert(def.name, [bodyObject(req)], true);
    if (!result.success) {
      sendRecordFailure(res, result);
      return;
    }
    sendJson(res, 201, result);
  });

  /** The record of that object and id; Salesforce answers 404 NOT_FOUND for an id of another object. */
  const findRecord = (def: ObjectDef, id: string) => {
    const record = records.find(def.name, id);
    if (!record || record.Id.slice(0, 3) !== def.keyPrefix) {
      throw new SalesforceApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${id}`
      );
    }
    return record;
  };

  router.get('/sobjects/:object/:id', (req, res) => {
    const def = records.schema.find(req.params.object);
    if (!def || !def.queryable) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
    const record = findRecord(def, req.params.id);
    if (record.IsDeleted === true) {
      sendError(res, 404, 'ENTITY_IS_DELETED', 'entity is deleted', []);
      return;
    }
    const wanted =
      typeof req.query.fields === 'string' ? req.query.fields.split(',').map((f) => f.trim()) : null;
    const fields = wanted?.map((name) => {
      const f = def.fieldIndex.get(name.toLowerCase());
      if (!f)
        throw new SalesforceApiError(
          400,
          'INVALID_FIELD',
          `No such column '${name}' on entity '${def.name}'.`
        );
      return f;
    });
    sendJson(res, 200, records.serialize(def, record, fields));
  });

  router.patch('/sobjects/:object/:id', (req, res) => {
    const def = records.schema.find(req.params.object);
    if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
    const { Id: _upper, id: _lower, ...fields } = bodyObject(req);
    const record = findRecord(def, req.params.id);
    const [result] = records.update(def.name, [{ ...fields, Id: record.Id }], true);
    if (!result.success) {
      sendRecordFailure(res, result);
      return;
    }
    res.status(204).end();
  });

  router.delete('/sobjects/:object/:id', (req, res) => {
    const def = records.schema.find(req.params.object);
    if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
    records.delete(def.name, req.params.id);
    res.status(204).end();
  });

  /** Runs a Collections call record by record type, keeping the request order in the answer. */
  const collection = (operation: 'insert' | 'update') => (req: Request, res: Response) => {
    const body = bodyObject(req);
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
      const saved = records[operation](
        type,
        group.map((g) => g.record),
        allOrNone
      );
      saved.forEach((r, i) => (results[group[i].index] = r));
    }
    sendJson(res, 200, results.map(saveResultJson));
  };
  router.patch('/composite/sobjects', collection('update'));
  router.post('/composite/sobjects', collection('insert'));

  router.delete('/composite/sobjects', (req, res) => {
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',') : [];
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
    sendJson(res, 200, results.map(saveResultJson));
  });

  router.get('/limits', (_req, res) => sendJson(res, 200, limitsBody(org.accounting)));

  return router;
}
