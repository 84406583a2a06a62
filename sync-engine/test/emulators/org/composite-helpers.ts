/**
 * Shared by the composite tests: a jsforce session on an emulated org, raw JSON requests for what jsforce
 * parses away (status codes, headers), the documentation fixtures, and a comparison of body shapes
 * (keys and value types, not values: ids, dates and URLs differ from the guide's).
 */
import { readFileSync } from 'node:fs';
import { Connection } from '@jsforce/jsforce-node';
import type { OrgHandle } from '../../../emulators/org/start.js';

export async function login(org: OrgHandle, username = org.username): Promise<Connection> {
  const conn = new Connection({
    oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
    version: '62.0'
  });
  await conn.login(username, org.password);
  return conn;
}

export interface JsonAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** `POST {instanceUrl}{path}` with a JSON body and the session; the body of the answer parsed. */
export async function postJson<T = unknown>(
  conn: Connection,
  path: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<JsonAnswer<T>> {
  const res = await fetch(`${conn.instanceUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${conn.accessToken}`,
      'content-type': 'application/json',
      ...headers
    },
    body: JSON.stringify(body)
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

export async function getJson<T = unknown>(conn: Connection, path: string): Promise<JsonAnswer<T>> {
  const res = await fetch(`${conn.instanceUrl}${path}`, {
    headers: { authorization: `Bearer ${conn.accessToken}` }
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

/** A fixture of sync-engine/test/emulators/org/fixtures (each names the page it was copied from). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The shape of a JSON value: objects by sorted keys, arrays element by element, scalars by type. */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])])
    );
  }
  return typeof value;
}

/** A deep copy of `value` with every string `from` replaced by `to` (a fixture's placeholder flags). */
export function replaceValues(value: unknown, replacements: Record<string, unknown>): unknown {
  if (typeof value === 'string' && Object.hasOwn(replacements, value)) return replacements[value];
  if (Array.isArray(value)) return value.map((v) => replaceValues(v, replacements));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceValues(v, replacements)]));
  }
  return value;
}

export interface SubrequestResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string | null;
}

export interface CompositeAnswer {
  compositeResponse: SubrequestResult[];
}
