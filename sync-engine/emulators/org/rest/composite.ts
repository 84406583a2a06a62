/**
 * The composite resources of one org: `POST /composite` (dependent subrequests, references, allOrNone),
 * `POST /composite/batch` (independent subrequests, haltOnError) and `GET /composite`. Every subrequest
 * is dispatched to the same handler as the plain request (rest-api.ts); nothing here knows what an
 * sObject or a query means.
 *
 * Sources (REST API Developer Guide): "Send Multiple Requests Using Composite"
 * (resources_composite_composite_post.htm), "Composite Request Body" (requests_composite.htm), "Composite
 * Subrequest Result" (resources_composite_subrequest_result.htm), "allOrNone Parameters in Composite and
 * Collections Requests" (resources_composite_allornone.htm), "Execute Dependent Requests in a Single API
 * Call" (dome_composite_record_manipulation.htm), "Composite Batch" (resources_composite_batch.htm),
 * "Batch Request Body" and "Batch Response Body" (requests_composite_batch.htm,
 * responses_composite_batch.htm). Texts and codes the guide does not print are marked [unverified].
 */
import type { ApiAccounting } from '../api-accounting.js';
import type { OrgRecords } from '../org-records.js';
import { SalesforceApiError } from '../org-context.js';
import type { StoreTransaction } from '../record-store.js';
import { json, type ResourceGroup, type RestAnswer, type RestApi, type RestCall } from './rest-api.js';
import { errorBody, NOT_FOUND_MESSAGE } from './responses.js';

/** "You can have up to 25 subrequests in a single call" (composite); "Executes up to 25 subrequests" (batch). */
export const MAX_SUBREQUESTS = 25;
/** "Up to 5 of these subrequests can be sObject Collections or query operations". */
export const MAX_QUERY_OR_COLLECTION_SUBREQUESTS = 5;

/** Composite accepts sObject resources, Query/QueryAll (queryMore too) and sObject Collections (43.0+). */
const COMPOSITE_GROUPS = new Set<ResourceGroup>(['sobjects', 'query', 'collections']);
/** Batch accepts Limits, sObject resources, Query and QueryAll (34.0+); Search, Connect, Chatter and
 * Actions too, which the emulator does not serve. */
const BATCH_GROUPS = new Set<ResourceGroup>(['sobjects', 'query', 'limits']);

/** What a composite subrequest answers when another one failed under allOrNone (the guide's own text). */
const ROLLED_BACK_MESSAGE =
  'The transaction was rolled back since another operation in the same transaction failed.';

/** A logged Salesforce answer (guardian/support-service-lambdas#766); the guide prints none. */
const TOO_MANY_OPERATIONS = 'The request can’t contain more than 25 operations.';

const REFERENCE_ID = /^[A-Za-z0-9][A-Za-z0-9_]*$/;
const REFERENCE = /@\{([^}]*)\}/g;
const DATA_URL = /^\/services\/data\/v(\d+\.\d)(\/[^?]*)?(?:\?(.*))?$/;
const BATCH_URL = /^(?:\/services\/data\/)?v(\d+\.\d)(\/[^?]*)?(?:\?(.*))?$/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** "Don't specify these headers in a subrequest. If you do, the top-level request fails and returns an HTTP 400". */
const INHERITED_HEADERS = new Set(['accept', 'authorization', 'content-type']);

interface CompositeSubrequestResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string | null;
}

/** A request-level refusal: Salesforce's error body with `status`. */
const refuse = (errorCode: string, message: string, status = 400): SalesforceApiError =>
  new SalesforceApiError(status, errorCode, message);

const referenceIdMessage = (id: string) =>
  `Provided referenceId ('${id}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`;

/** A reference that resolves to nothing: the dependent subrequest answers it (the guide's own wording). */
class UnresolvedReference extends Error {
  constructor(
    readonly expression: string,
    readonly referenceId: string,
    known: boolean
  ) {
    // The second sentence comes with every example the guide prints for a referenceId it knows, and not
    // for one it does not (`refNewAccount[1].id … found in refNewAccount.`) [unverified as a rule].
    super(
      `Invalid reference specified. No value for ${expression} found in ${referenceId}.` +
        (known ? ` ${referenceIdMessage(expression)}` : '')
    );
  }
}

/** The path parts of `@{ref.records[0].Id}` after the reference id, or null when it does not parse. */
function accessors(path: string): Array<string | number> | null {
  const parts: Array<string | number> = [];
  const token = /\.([^.[\]]+)|\[(\d+)\]/y;
  let at = 0;
  while (at < path.length) {
    token.lastIndex = at;
    const m = token.exec(path);
    if (!m) return null;
    parts.push(m[1] !== undefined ? m[1] : Number(m[2]));
    at = token.lastIndex;
  }
  return parts;
}

/** Earlier subrequests' bodies by reference id, and how references into them resolve. */
class References {
  private readonly bodies = new Map<string, unknown>();

  constructor(private readonly version: number) {}

  set(referenceId: string, body: unknown): void {
    this.bodies.set(referenceId, body);
  }

  /**
   * The value `@{expression}` names. Field names are case-sensitive (`@{refAccount.Id}` fails where the
   * create answered `id`). A null field fails the dependent subrequest before 52.0 and resolves to null
   * from 52.0 on ("Behavior for References to Null Fields").
   */
  value(expression: string): unknown {
    const referenceId = /^[^.[]*/.exec(expression)![0];
    const known = this.bodies.has(referenceId);
    const path = accessors(expression.slice(referenceId.length));
    let value: unknown = known ? this.bodies.get(referenceId) : undefined;
    for (const part of path ?? []) {
      if (typeof part === 'number') value = Array.isArray(value) ? value[part] : undefined;
      else if (
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.hasOwn(value, part)
      )
        value = (value as Record<string, unknown>)[part];
      else value = undefined;
    }
    const resolved =
      path !== null &&
      value !== undefined &&
      (value !== null || this.version >= 52) &&
      // Referenceable types are DateTime, String, Boolean and numbers ("Composite Subrequest", body).
      (value === null || typeof value !== 'object');
    if (!resolved) throw new UnresolvedReference(expression, referenceId, known);
    return value;
  }

  /** A string with its references replaced: one whole reference keeps its JSON type [unverified]. */
  string(text: string): unknown {
    const whole = /^@\{([^}]*)\}$/.exec(text);
    if (whole) return this.value(whole[1]);
    return text.replace(REFERENCE, (_m, expression: string) => {
      const value = this.value(expression);
      return value === null ? '' : String(value);
    });
  }

  /** A subrequest body with every string's references replaced (keys are left alone). */
  body(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (Array.isArray(value)) return value.map((v) => this.body(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.body(v)]));
    }
    return value;
  }

  url(text: string): string {
    return text.replace(REFERENCE, (_m, expression: string) => {
      const value = this.value(expression);
      return value === null ? '' : String(value);
    });
  }
}

interface ParsedSubrequest {
  method: string;
  version: string;
  path: string;
  query: string;
  group: ResourceGroup | null;
}

/** Splits `/services/data/v62.0/sobjects/Lead?fields=Id` (or a batch's `v62.0/…`) into its parts. */
function parseUrl(url: string, pattern: RegExp): { version: string; path: string; query: string } | null {
  const m = pattern.exec(url);
  if (!m) return null;
  return { version: m[1], path: m[2] ?? '/', query: m[3] ?? '' };
}

export function addCompositeResources(
  api: RestApi,
  org: { records: OrgRecords; accounting: ApiAccounting },
  supportsVersion: (version: string) => boolean
): void {
  const subcall = (
    parent: RestCall,
    method: string,
    url: { version: string; path: string; query: string },
    headers: Record<string, string>,
    body: unknown
  ): RestCall => ({
    ...parent,
    method,
    path: url.path,
    query: new URLSearchParams(url.query),
    headers,
    body,
    version: url.version
  });

  // "Get a List of Composite Resources": the guide lists tree, batch, sobjects and graph; the emulator
  // lists those it serves.
  api.add('GET', '/composite', 'composite', (call) =>
    json(200, {
      batch: `/services/data/v${call.version}/composite/batch`,
      sobjects: `/services/data/v${call.version}/composite/sobjects`
    })
  );

  api.add('POST', '/composite', 'composite', (call) => {
    const body = requestBody(call, 'compositeRequest');
    const input = body.compositeRequest as unknown[];
    if (input.length > MAX_SUBREQUESTS) return tooMany(TOO_MANY_OPERATIONS);
    const version = Number(call.version);
    const seen = new Set<string>();
    let queriesAndCollections = 0;
    const subrequests = input.map((raw) => {
      const sub = subrequestObject(raw);
      const { method, url, referenceId, httpHeaders } = sub;
      if (typeof referenceId !== 'string' || referenceId === '') {
        // A missing referenceId fails the request before any subrequest runs (Salesforce Developers
        // Blog, "Handle Errors with Composite Resources"); code and text [unverified].
        throw refuse('JSON_PARSER_ERROR', 'A referenceId is required for each subrequest.');
      }
      // From 52.0 an illegal referenceId fails the whole request (the guide's own answer); before, only
      // the subrequests referring to it fail, as their references cannot resolve.
      if (version >= 52 && !REFERENCE_ID.test(referenceId)) {
        throw refuse('JSON_PARSER_ERROR', referenceIdMessage(referenceId));
      }
      if (seen.has(referenceId)) {
        throw refuse('JSON_PARSER_ERROR', `Duplicate referenceId provided in the request: ${referenceId}`); // [unverified]
      }
      seen.add(referenceId);
      const parsed = parseSubrequest(method, url, DATA_URL);
      if (parsed.group !== null && !COMPOSITE_GROUPS.has(parsed.group)) {
        throw refuse('INVALID_URL', `The composite resource does not support the resource ${String(url)}`); // [unverified]
      }
      if (parsed.group === 'query' || parsed.group === 'collections') queriesAndCollections += 1;
      return { sub, referenceId, parsed, headers: subrequestHeaders(httpHeaders) };
    });
    if (queriesAndCollections > MAX_QUERY_OR_COLLECTION_SUBREQUESTS) {
      // [unverified] the guide states the limit, not the answer: the shape of the 25-operation answer.
      return tooMany('The request can’t contain more than 5 query or sObject Collections operations.');
    }
    if (body.collateSubrequests !== undefined && typeof body.collateSubrequests !== 'boolean') {
      throw refuse('JSON_PARSER_ERROR', 'collateSubrequests must be a boolean'); // [unverified]
    }
    // collateSubrequests (default true from 49.0) lets Salesforce reorder unrelated subrequests; the
    // emulator always runs them in request order, one order collation allows.
    const allOrNone = body.allOrNone === true;
    const references = new References(version);
    const results: CompositeSubrequestResult[] = [];
    let failedAt = -1;
    const transaction: StoreTransaction | null = allOrNone ? org.records.transaction() : null;
    try {
      for (const [index, { sub, referenceId, parsed, headers }] of subrequests.entries()) {
        if (allOrNone && failedAt >= 0) {
          results.push(halted(referenceId));
          continue;
        }
        let answer: RestAnswer;
        try {
          const url = parseUrl(references.url(String(sub.url)), DATA_URL)!;
          const subBody = sub.body === undefined ? undefined : references.body(sub.body);
          answer = supportsVersion(url.version)
            ? api.answer(subcall(call, parsed.method, url, headers, subBody))
            : json(404, errorBody('NOT_FOUND', NOT_FOUND_MESSAGE));
        } catch (error) {
          if (!(error instanceof UnresolvedReference)) throw error;
          answer = json(400, [{ errorCode: 'PROCESSING_HALTED', message: error.message }]);
        }
        const failed = answer.status >= 400 || (parsed.group === 'collections' && anyRecordFailed(answer));
        if (failed && failedAt < 0) failedAt = index;
        references.set(referenceId, answer.body ?? null);
        results.push({
          body: answer.body ?? null,
          httpHeaders: answer.headers ?? {},
          httpStatusCode: answer.status,
          referenceId
        });
      }
    } catch (error) {
      transaction?.rollback();
      throw error;
    }
    if (transaction && failedAt >= 0) {
      // "If allOrNone is set to true in the composite request and a subrequest returns an error, all
      // other subrequests return the 400 HTTP status code"; the failed one keeps its own answer — a
      // Collections subrequest with a failed record included, which rolls the whole request back too
      // (the guide's case 4). Subrequests after the failure never ran; they get the same answer [unverified].
      transaction.rollback();
      for (let i = 0; i < results.length; i += 1) {
        if (i !== failedAt) results[i] = halted(results[i].referenceId);
      }
    } else {
      transaction?.commit();
    }
    return json(200, { compositeResponse: results });
  });

  api.add('POST', '/composite/batch', 'composite', (call) => {
    const body = requestBody(call, 'batchRequests');
    const input = body.batchRequests as unknown[];
    if (input.length > MAX_SUBREQUESTS) {
      throw refuse('LIMIT_EXCEEDED', TOO_MANY_OPERATIONS); // [unverified] for batch: the composite's text
    }
    const batchVersion = Number(call.version);
    // Deserialization errors (a subrequest's method or url) fail the batch with 400 before any subrequest
    // runs, whatever haltOnError says ("Batch Request Body").
    const subrequests = input.map((raw) => {
      const sub = subrequestObject(raw);
      const parsed = parseSubrequest(sub.method, sub.url, BATCH_URL);
      const version = Number(parsed.version);
      // "The API version of the resource accessed in each subrequest must be no earlier than 34.0 and no
      // later than the Batch version in the top-level request"; the error's text [unverified].
      if (version < 34 || version > batchVersion) {
        throw refuse(
          'INVALID_BATCH_REQUEST',
          `Subrequest version ${parsed.version} must be between 34.0 and the batch version ${call.version}`
        );
      }
      if (parsed.group !== null && !BATCH_GROUPS.has(parsed.group)) {
        throw refuse(
          'INVALID_BATCH_REQUEST',
          `The batch resource does not support the resource ${String(sub.url)}`
        ); // [unverified]
      }
      return { sub, parsed };
    });
    const haltOnError = body.haltOnError === true;
    // Batch subrequests take no headers of their own; a query's batch size comes from the batch request
    // [unverified: which top-level headers reach the subrequests].
    const headers: Record<string, string> = {};
    if (call.headers['sforce-query-options'])
      headers['sforce-query-options'] = call.headers['sforce-query-options'];
    const results: Array<{ statusCode: number; result: unknown }> = [];
    let halt = false;
    for (const [index, { sub, parsed }] of subrequests.entries()) {
      if (halt) {
        // "It returns an HTTP 412 status code and a BATCH_PROCESSING_HALTED error message for each
        // subsequent subrequest"; the message's text is the emulator's [unverified].
        results.push({
          statusCode: 412,
          result: [
            {
              errorCode: 'BATCH_PROCESSING_HALTED',
              message: 'Batch processing halted because a previous subrequest failed.'
            }
          ]
        });
        continue;
      }
      // "Each subrequest counts against rate limits": the batch request itself was counted as the first;
      // a subrequest past the daily quota answers as a request past it would [unverified].
      let answer: RestAnswer;
      if (index > 0 && !org.accounting.record('compositeBatch')) {
        answer = json(403, errorBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
      } else {
        const url = { version: parsed.version, path: parsed.path, query: parsed.query };
        const richInput = (sub as { richInput?: unknown }).richInput;
        answer = api.answer(subcall(call, parsed.method, url, headers, richInput));
      }
      results.push({ statusCode: answer.status, result: answer.body ?? null });
      if (answer.status >= 400 && haltOnError) halt = true;
    }
    return json(
      200,
      { hasErrors: results.some((r) => r.statusCode >= 400), results },
      { 'Sforce-Limit-Info': org.accounting.limitInfo() }
    );
  });

  function parseSubrequest(method: unknown, url: unknown, pattern: RegExp): ParsedSubrequest {
    if (typeof method !== 'string' || !METHODS.has(method)) {
      throw refuse('JSON_PARSER_ERROR', `Invalid method: ${String(method)}`); // [unverified]
    }
    const parsed = typeof url === 'string' ? parseUrl(url, pattern) : null;
    if (!parsed) {
      // "The URL must start with /services/data/vXX.X/" (composite); the error's text [unverified].
      throw refuse('JSON_PARSER_ERROR', `Invalid URL: ${String(url)}`);
    }
    return { method, ...parsed, group: api.groupOf(parsed.path) ?? null };
  }
}

/** The composite answer for a request over its subrequest limits, in the shape Salesforce was seen to send. */
function tooMany(message: string): RestAnswer {
  return json(200, {
    compositeResponse: [
      {
        body: [{ errorCode: 'LIMIT_EXCEEDED', message }],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId: null
      }
    ]
  });
}

function halted(referenceId: string | null): CompositeSubrequestResult {
  return {
    body: [{ errorCode: 'PROCESSING_HALTED', message: ROLLED_BACK_MESSAGE }],
    httpHeaders: {},
    httpStatusCode: 400,
    referenceId
  };
}

/** An sObject Collections answer with a record that failed. */
function anyRecordFailed(answer: RestAnswer): boolean {
  return (
    Array.isArray(answer.body) && answer.body.some((r) => (r as { success?: unknown }).success === false)
  );
}

function requestBody(call: RestCall, listName: string): Record<string, unknown> {
  const body = call.body;
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !Array.isArray((body as Record<string, unknown>)[listName])
  ) {
    throw refuse('JSON_PARSER_ERROR', `The request body must hold a ${listName} array`); // [unverified]
  }
  return body as Record<string, unknown>;
}

function subrequestObject(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw refuse('JSON_PARSER_ERROR', 'Each subrequest must be a JSON object'); // [unverified]
  }
  return raw as Record<string, unknown>;
}

/** A composite subrequest's own headers, by lowercase name; Accept, Authorization and Content-Type fail it. */
function subrequestHeaders(httpHeaders: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (httpHeaders === undefined || httpHeaders === null) return headers;
  if (typeof httpHeaders !== 'object' || Array.isArray(httpHeaders)) {
    throw refuse('JSON_PARSER_ERROR', 'httpHeaders must be a JSON object'); // [unverified]
  }
  for (const [name, value] of Object.entries(httpHeaders)) {
    if (INHERITED_HEADERS.has(name.toLowerCase())) {
      // HTTP 400 as documented; the code and text [unverified].
      throw refuse(
        'INVALID_HEADER_TYPE',
        `The ${name} header cannot be set on a subrequest; it is inherited from the composite request.`
      );
    }
    headers[name.toLowerCase()] = String(value);
  }
  return headers;
}
