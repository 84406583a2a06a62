/**
 * `POST /composite` (REST API Developer Guide, "Composite"): up to 25 subrequests in one request that "counts
 * as a single call toward your API limits", at most 5 of them queries or sObject Collections. Each subrequest
 * answers its own status and body; `allOrNone: false` lets the others go on when one fails.
 */
import type { Connection } from '@jsforce/jsforce-node';

export interface Subrequest {
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  /** Relative to the instance, e.g. `/services/data/v62.0/query?q=…`. */
  url: string;
  referenceId: string;
  body?: unknown;
}

export interface SubrequestResult {
  referenceId: string;
  httpStatusCode: number;
  body: unknown;
}

/** A subrequest Salesforce refused: named by its error code, as jsforce names a refused request. */
export class SubrequestError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly httpStatusCode: number
  ) {
    super(message);
    this.name = errorCode;
  }
}

/** The API path every subrequest URL starts with, in the connection's API version. */
export const apiPath = (conn: Connection) => `/services/data/v${conn.version}`;

/** Sends `subrequests` in one composite call; answers their results in order. */
export async function postComposite(
  conn: Connection,
  subrequests: Subrequest[]
): Promise<SubrequestResult[]> {
  const answer = await conn.request<{ compositeResponse: SubrequestResult[] }>({
    method: 'POST',
    url: `${apiPath(conn)}/composite`,
    body: JSON.stringify({ allOrNone: false, compositeRequest: subrequests }),
    headers: { 'content-type': 'application/json' }
  });
  const byReference = new Map(answer.compositeResponse.map((result) => [result.referenceId, result]));
  return subrequests.map((subrequest) => {
    const result = byReference.get(subrequest.referenceId);
    if (!result) throw new Error(`The composite answer has no result for ${subrequest.referenceId}.`);
    return result;
  });
}

/** A subrequest's failure, from its body (`[{ errorCode, message }]`). */
export function subrequestError(result: SubrequestResult): SubrequestError {
  const [first] = Array.isArray(result.body)
    ? (result.body as Array<{ errorCode?: string; message?: string }>)
    : [];
  return new SubrequestError(
    first?.errorCode ?? `ERROR_HTTP_${result.httpStatusCode}`,
    first?.message ?? `The subrequest ${result.referenceId} answered ${result.httpStatusCode}.`,
    result.httpStatusCode
  );
}
