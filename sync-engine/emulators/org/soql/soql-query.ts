/**
 * SOQL through a real parser (soql-parser-js): field lists with parent relationship paths, WHERE,
 * ORDER BY, LIMIT/OFFSET and `COUNT()`, evaluated in one linear pass (or from an index when the WHERE
 * has an `=`/`IN` on the root object), and serialised as the REST API does.
 */
import soqlParser from 'soql-parser-js';
import type { FieldType as SoqlField, OrderByClause, Query } from 'soql-parser-js';
import { canonicalId } from '../ids.js';
import { SalesforceApiError } from '../org-context.js';
import { serializeValue, type StoredValue } from '../field-values.js';
import type { RecordStore, StoredRecord } from '../record-store.js';
import type { OrgSchema } from '../schema/org-schema.js';
import type { ObjectDef } from '../schema/schema-types.js';
import { pathGetter, resolvePath, soqlError, type FieldPath } from './field-paths.js';
import { compileWhere } from './soql-where.js';

const { parseQuery } = soqlParser;

/**
 * Statement length limit (SOQL and SOSL Limits: 100,000 characters). Salesforce's words, as captured in
 * django-salesforce/django-salesforce#164: `SOQL statements can not be longer than 100000 characters`.
 */
export const MAX_SOQL_LENGTH = 100_000;

export interface CompiledQuery {
  object: ObjectDef;
  /** `SELECT COUNT() …`: only `totalSize` is answered. */
  countOnly: boolean;
  /** Matching records, filtered, sorted and limited. */
  run(): StoredRecord[];
  /** A record as the REST API serialises it. */
  project(record: StoredRecord): Record<string, unknown>;
}

interface Projection {
  path: FieldPath;
  /** Output keys: relationship names then the field name (`['Owner', 'Name']`). */
  keys: string[];
}

function parse(soql: string): Query {
  if (soql.length > MAX_SOQL_LENGTH) {
    throw new SalesforceApiError(
      400,
      'MALFORMED_QUERY',
      `SOQL statements can not be longer than ${MAX_SOQL_LENGTH} characters`
    );
  }
  try {
    const parsed = parseQuery(soql);
    if (!('sObject' in parsed) || !parsed.sObject) throw new Error('unexpected token');
    return parsed as Query;
  } catch (error) {
    if (error instanceof SalesforceApiError) throw error;
    const found = /found --> '?(.*?)'? <--/.exec((error as Error).message)?.[1];
    const token = found ?? soql.trim().split(/\s+/)[0] ?? '';
    throw soqlError('MALFORMED_QUERY', soql, token, `unexpected token: ${token || "'<EOF>'"}`);
  }
}

function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

export function compileQuery(
  soql: string,
  ctx: { schema: OrgSchema; store: RecordStore; version: string; includeDeleted: boolean; now?: number }
): CompiledQuery {
  const query = parse(soql);
  const object = ctx.schema.find(query.sObject!);
  if (!object || !object.queryable) {
    throw soqlError(
      'INVALID_TYPE',
      soql,
      query.sObject!,
      `sObject type '${query.sObject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
    );
  }
  if (query.groupBy || query.having) {
    throw soqlError('MALFORMED_QUERY', soql, 'GROUP', 'GROUP BY is not supported by the org emulator');
  }
  let countOnly = false;
  const projections: Projection[] = [];
  for (const f of (query.fields ?? []) as SoqlField[]) {
    if (
      f.type === 'FieldFunctionExpression' &&
      f.functionName.toUpperCase() === 'COUNT' &&
      f.parameters.length === 0
    ) {
      countOnly = true;
    } else if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const raw = f.type === 'Field' ? f.field : (f.rawValue ?? [...f.relationships, f.field].join('.'));
      const path = resolvePath(ctx.schema, object, raw, soql);
      projections.push({ path, keys: [...path.hops.map((h) => h.via.relationshipName!), path.field.name] });
    } else {
      throw soqlError(
        'MALFORMED_QUERY',
        soql,
        'SELECT',
        `${f.type} in the SELECT list is not supported by the org emulator`
      );
    }
  }
  if (countOnly && projections.length > 0) {
    throw soqlError('MALFORMED_QUERY', soql, 'COUNT', 'COUNT() cannot be combined with other fields');
  }

  const now = ctx.now ?? Date.now();
  const where = compileWhere(query.where, { schema: ctx.schema, store: ctx.store, root: object, soql, now });
  const sorters = ((query.orderBy ?? []) as OrderByClause[]).map((o) => {
    if (!('field' in o) || !o.field)
      throw soqlError('MALFORMED_QUERY', soql, 'ORDER', 'ORDER BY a function is not supported');
    const path = resolvePath(ctx.schema, object, o.field, soql);
    const desc = o.order === 'DESC';
    // Nulls sort first ascending and last descending unless NULLS FIRST/LAST says otherwise.
    const nullsFirst = o.nulls ? o.nulls === 'FIRST' : !desc;
    return { get: pathGetter(ctx.store, path), desc, nullsFirst };
  });
  const table = ctx.store.table(object.name);
  const limit = query.limit;
  const offset = query.offset ?? 0;
  const version = ctx.version;

  const candidates = (): Iterable<StoredRecord> => {
    const hint = where.hint;
    if (!hint) return table.all();
    const ids =
      hint.field === 'Id'
        ? new Set(hint.values.map((v) => canonicalId(v)).filter((v): v is string => v !== null))
        : table.lookup(hint.field, hint.values);
    return [...ids]
      .sort()
      .map((id) => table.get(id))
      .filter((r): r is StoredRecord => r !== undefined);
  };

  return {
    object,
    countOnly,
    run() {
      const rows: StoredRecord[] = [];
      for (const record of candidates()) {
        if (!ctx.includeDeleted && record.IsDeleted === true) continue;
        if (where.predicate(record)) rows.push(record);
      }
      if (sorters.length > 0) rows.sort((a, b) => compareRows(sorters, a, b));
      const end = limit === undefined ? undefined : offset + limit;
      return offset > 0 || end !== undefined ? rows.slice(offset, end) : rows;
    },
    project(record) {
      const out: Record<string, unknown> = {
        attributes: { type: object.name, url: recordUrl(version, object.name, record.Id) }
      };
      for (const p of projections) {
        if (p.path.hops.length === 0) {
          out[p.path.field.name] = serializeValue(p.path.field, record[p.path.field.name]);
          continue;
        }
        // A parent that is not set serialises as `"Owner": null`; set parents nest with their attributes.
        let target = out;
        let source: StoredRecord = record;
        let reached = true;
        for (const hop of p.path.hops) {
          const key = hop.via.relationshipName!;
          const id: StoredValue | undefined = source[hop.via.name];
          const parent = typeof id === 'string' ? ctx.store.table(hop.to.name).get(id) : undefined;
          if (!parent) {
            if (!(key in target)) target[key] = null;
            reached = false;
            break;
          }
          if (!target[key]) {
            target[key] = {
              attributes: { type: hop.to.name, url: recordUrl(version, hop.to.name, parent.Id) }
            };
          }
          target = target[key] as Record<string, unknown>;
          source = parent;
        }
        if (reached) target[p.path.field.name] = serializeValue(p.path.field, source[p.path.field.name]);
      }
      return out;
    }
  };
}

function compareRows(
  sorters: Array<{ get: (r: StoredRecord) => StoredValue; desc: boolean; nullsFirst: boolean }>,
  a: StoredRecord,
  b: StoredRecord
): number {
  for (const s of sorters) {
    const x = s.get(a);
    const y = s.get(b);
    if (x === y) continue;
    if (x === null) return s.nullsFirst ? -1 : 1;
    if (y === null) return s.nullsFirst ? 1 : -1;
    const xs = typeof x === 'string' ? x.toLowerCase() : x;
    const ys = typeof y === 'string' ? y.toLowerCase() : y;
    const cmp = xs < ys ? -1 : xs > ys ? 1 : 0;
    if (cmp !== 0) return s.desc ? -cmp : cmp;
  }
  return 0;
}
