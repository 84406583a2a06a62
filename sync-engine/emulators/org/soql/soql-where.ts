/**
 * SOQL `WHERE` → a predicate over stored records. soql-parser-js gives a right-leaning chain of
 * conditions with parenthesis counts; it is flattened into tokens and re-parsed with SOQL precedence
 * (NOT > AND > OR). String comparisons ignore case except on case-sensitive fields (SOQL reference,
 * "Comparison Operators"); literals are checked against the field type as Salesforce does.
 */
import type { Condition, WhereClause } from 'soql-parser-js';
import { canonicalId } from '../ids.js';
import { parseDateTimeValue, parseDateValue, type StoredValue } from '../field-values.js';
import type { RecordStore, StoredRecord } from '../record-store.js';
import type { OrgSchema } from '../schema/org-schema.js';
import type { FieldDef, ObjectDef } from '../schema/schema-types.js';
import { dateLiteralRange, type TimeRange } from './date-literals.js';
import { pathGetter, resolvePath, soqlError } from './field-paths.js';

export type Predicate = (record: StoredRecord) => boolean;

/** A conjunct the query can answer from an index: `field = 'x'` or `field IN (…)` on the root object. */
export interface IndexHint {
  field: string;
  values: string[];
}

export interface CompiledWhere {
  predicate: Predicate;
  hint: IndexHint | null;
}

type Node =
  | { kind: 'cond'; test: Predicate; hint: IndexHint | null }
  | { kind: 'and' | 'or'; items: Node[] }
  | { kind: 'not'; item: Node };

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | Condition;

const STRING_TYPES = new Set(['string', 'textarea', 'email', 'url', 'phone', 'picklist', 'multipicklist']);
const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent']);

/** Removes the quotes of a SOQL string literal and resolves its backslash escapes. */
export function unquote(literal: string): string {
  const body = literal.startsWith("'") && literal.endsWith("'") ? literal.slice(1, -1) : literal;
  return body.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : c
  );
}

/** A LIKE pattern as a regular expression: `%` any run, `_` one character, `\%` and `\_` literal. */
function likeRegex(literal: string): RegExp {
  const body = literal.startsWith("'") ? literal.slice(1, -1) : literal;
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      out += unquote(`\\${body[i + 1]}`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    } else if (c === '%') out += '[\\s\\S]*';
    else if (c === '_') out += '[\\s\\S]';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}

interface WhereNode {
  left: (Condition & { openParen?: number; closeParen?: number }) | null;
  operator?: string;
  right?: WhereNode;
}

function flatten(where: WhereClause | undefined, tokens: Token[]): void {
  let node = where as WhereNode | undefined;
  while (node) {
    if (node.operator === 'NOT' && !node.left) {
      tokens.push('NOT');
      node = node.right;
      continue;
    }
    const left = node.left;
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i += 1) tokens.push('(');
      // A bare parenthesis group marker carries no field.
      if ('field' in left || 'fn' in left) tokens.push(left);
      for (let i = 0; i < (left.closeParen ?? 0); i += 1) tokens.push(')');
    }
    if (node.operator === 'AND' || node.operator === 'OR') tokens.push(node.operator);
    node = node.right;
  }
}

export function compileWhere(
  where: WhereClause | undefined,
  ctx: { schema: OrgSchema; store: RecordStore; root: ObjectDef; soql: string; now: number }
): CompiledWhere {
  if (!where) return { predicate: () => true, hint: null };
  const tokens: Token[] = [];
  flatten(where, tokens);
  let pos = 0;
  const malformed = (): never => {
    throw soqlError('MALFORMED_QUERY', ctx.soql, 'WHERE', 'unexpected token in WHERE clause');
  };
  const parseOr = (): Node => {
    const items = [parseAnd()];
    while (tokens[pos] === 'OR') {
      pos += 1;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const parseAnd = (): Node => {
    const items = [parseUnary()];
    while (tokens[pos] === 'AND') {
      pos += 1;
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const parseUnary = (): Node => {
    const token = tokens[pos++];
    if (token === 'NOT') return { kind: 'not', item: parseUnary() };
    if (token === '(') {
      const inner = parseOr();
      if (tokens[pos++] !== ')') malformed();
      return inner;
    }
    if (token === undefined || typeof token === 'string') return malformed();
    return compileCondition(token, ctx);
  };
  const tree = parseOr();
  if (pos !== tokens.length) malformed();
  return { predicate: toPredicate(tree), hint: findHint(tree) };
}

function toPredicate(node: Node): Predicate {
  switch (node.kind) {
    case 'cond':
      return node.test;
    case 'not': {
      const inner = toPredicate(node.item);
      return (r) => !inner(r);
    }
    case 'and': {
      const parts = node.items.map(toPredicate);
      return (r) => parts.every((p) => p(r));
    }
    case 'or': {
      const parts = node.items.map(toPredicate);
      return (r) => parts.some((p) => p(r));
    }
  }
}

function findHint(node: Node): IndexHint | null {
  if (node.kind === 'cond') return node.hint;
  if (node.kind === 'and')
    for (const item of node.items) if (item.kind === 'cond' && item.hint) return item.hint;
  return null;
}

function typeError(
  ctx: { soql: string },
  f: FieldDef,
  token: string,
  expected: string,
  quoted: boolean
): never {
  throw soqlError(
    'INVALID_FIELD',
    ctx.soql,
    token,
    `value of filter criterion for field '${f.name}' must be of type ${expected} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`
  );
}

interface Literal {
  literalType: string;
  value: string;
}

/** A literal as a comparable: lowercased string, number, boolean, time range, or null. */
function literalValue(f: FieldDef, lit: Literal, ctx: { soql: string; now: number }): unknown {
  const type = lit.literalType?.toUpperCase();
  if (type === 'NULL') return null;
  if (STRING_TYPES.has(f.type)) {
    if (type !== 'STRING') typeError(ctx, f, lit.value, 'string', true);
    const s = unquote(lit.value);
    // Strings in WHERE clauses can't exceed 4,000 characters (SOQL reference, "WHERE"); wording [unverified].
    if (s.length > 4000)
      throw soqlError(
        'MALFORMED_QUERY',
        ctx.soql,
        lit.value,
        'String literal too long: the maximum is 4000 characters'
      );
    return f.caseSensitive ? s : s.toLowerCase();
  }
  if (f.type === 'id' || f.type === 'reference') {
    if (type !== 'STRING') typeError(ctx, f, lit.value, 'reference', true);
    const id = canonicalId(unquote(lit.value));
    if (!id)
      throw soqlError(
        'INVALID_QUERY_FILTER_OPERATOR',
        ctx.soql,
        lit.value,
        `invalid ID field: ${unquote(lit.value)}`
      );
    return id;
  }
  if (f.type === 'boolean') {
    if (type !== 'BOOLEAN') typeError(ctx, f, lit.value, 'boolean', false);
    return lit.value.toUpperCase() === 'TRUE';
  }
  if (NUMBER_TYPES.has(f.type)) {
    if (type !== 'INTEGER' && type !== 'DECIMAL' && type !== 'DECIMAL_WITH_CURRENCY_PREFIX') {
      typeError(ctx, f, lit.value, 'number', false);
    }
    return Number(lit.value);
  }
  // date and datetime: ranges [start, end) in epoch ms.
  if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') return dateLiteralRange(lit.value, ctx.now);
  if (f.type === 'date' && type === 'DATE') {
    const d = parseDateValue(lit.value);
    if (d) return { start: Date.parse(`${d}T00:00:00Z`), end: Date.parse(`${d}T00:00:00Z`) + 1 };
  }
  if (f.type === 'datetime' && type === 'DATETIME') {
    const ms = parseDateTimeValue(lit.value);
    if (ms !== null) return { start: ms, end: ms + 1 };
  }
  return typeError(ctx, f, lit.value, f.type === 'date' ? 'date' : 'dateTime', false);
}

/** The comparable form of a stored value (dates become epoch ms, strings lowercase unless case-sensitive). */
function comparable(f: FieldDef): (value: StoredValue) => unknown {
  if (f.type === 'date') return (v) => (typeof v === 'string' ? Date.parse(`${v}T00:00:00Z`) : null);
  if (STRING_TYPES.has(f.type) && !f.caseSensitive)
    return (v) => (typeof v === 'string' ? v.toLowerCase() : v);
  return (v) => v;
}

function compare(op: string, value: unknown, literal: unknown): boolean {
  if (literal === null) {
    if (op === '=') return value === null;
    if (op === '!=' || op === '<>') return value !== null;
    return false;
  }
  if (value === null || value === undefined) return op === '!=' || op === '<>';
  if (typeof literal === 'object') {
    const { start, end } = literal as TimeRange;
    const v = value as number;
    switch (op) {
      case '=':
        return v >= start && v < end;
      case '!=':
      case '<>':
        return v < start || v >= end;
      case '<':
        return v < start;
      case '<=':
        return v < end;
      case '>':
        return v >= end;
      case '>=':
        return v >= start;
    }
    return false;
  }
  const a = value as string | number | boolean;
  const b = literal as string | number | boolean;
  switch (op) {
    case '=':
      return a === b;
    case '!=':
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
  return false;
}

function compileCondition(
  cond: Condition,
  ctx: { schema: OrgSchema; store: RecordStore; root: ObjectDef; soql: string; now: number }
): Node {
  const c = cond as unknown as {
    field?: string;
    operator: string;
    value?: string | string[];
    literalType?: string | string[];
    valueQuery?: unknown;
  };
  if (!c.field || c.valueQuery) {
    throw soqlError(
      'MALFORMED_QUERY',
      ctx.soql,
      'WHERE',
      'semi-joins and functions in WHERE are not supported by the org emulator'
    );
  }
  const path = resolvePath(ctx.schema, ctx.root, c.field, ctx.soql);
  const f = path.field;
  if (f.type === 'textarea' && f.length > 255) {
    throw soqlError(
      'INVALID_FIELD',
      ctx.soql,
      c.field,
      `field '${f.name}' can not be filtered in a query call`
    );
  }
  const get = pathGetter(ctx.store, path);
  const toComparable = comparable(f);
  const op = c.operator.toUpperCase();
  const literalOf = (value: string, index: number): unknown =>
    literalValue(
      f,
      {
        value,
        literalType: Array.isArray(c.literalType) ? c.literalType[index] : (c.literalType ?? 'STRING')
      },
      ctx
    );
  const isIndexable =
    path.hops.length === 0 && (STRING_TYPES.has(f.type) || f.type === 'id' || f.type === 'reference');

  if (op === 'IN' || op === 'NOT IN') {
    const values = (Array.isArray(c.value) ? c.value : [c.value ?? '']).map(literalOf);
    const set = new Set(values);
    const hasNull = set.has(null);
    const test: Predicate =
      op === 'IN'
        ? (r) => {
            const v = toComparable(get(r));
            return v === null ? hasNull : set.has(v);
          }
        : (r) => {
            const v = toComparable(get(r));
            return v === null ? !hasNull : !set.has(v);
          };
    const hint =
      op === 'IN' && isIndexable && !hasNull && !f.caseSensitive
        ? { field: f.name, values: values as string[] }
        : null;
    return { kind: 'cond', test, hint };
  }
  if (op === 'LIKE') {
    if (!STRING_TYPES.has(f.type) && f.type !== 'id' && f.type !== 'reference') {
      throw soqlError('INVALID_FIELD', ctx.soql, c.field, `invalid operator on field '${f.name}': LIKE`);
    }
    const re = likeRegex(String(c.value));
    return {
      kind: 'cond',
      test: (r) => {
        const v = get(r);
        return typeof v === 'string' && re.test(v);
      },
      hint: null
    };
  }
  if (op === 'INCLUDES' || op === 'EXCLUDES') {
    const wanted = (Array.isArray(c.value) ? c.value : [c.value ?? '']).map((v) => unquote(v).toLowerCase());
    const test: Predicate = (r) => {
      const v = get(r);
      const parts = typeof v === 'string' ? v.toLowerCase().split(';') : [];
      const hit = wanted.some((w) => w.split(';').every((p) => parts.includes(p)));
      return op === 'INCLUDES' ? hit : !hit;
    };
    return { kind: 'cond', test, hint: null };
  }
  if (!['=', '!=', '<>', '<', '<=', '>', '>='].includes(op)) {
    throw soqlError('MALFORMED_QUERY', ctx.soql, c.operator, `unexpected token: ${c.operator}`);
  }
  const literal = literalOf(String(c.value), 0);
  const test: Predicate = (r) => compare(op, toComparable(get(r)), literal);
  const hint =
    op === '=' && isIndexable && typeof literal === 'string' && !f.caseSensitive
      ? { field: f.name, values: [literal] }
      : null;
  return { kind: 'cond', test, hint };
}
