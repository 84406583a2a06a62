/**
 * Checks the OpenID Connect ID token of an operator's sign-in (OpenID Connect Core 1.0 §3.1.3.7): signed
 * RS256 by a key from the issuer's `/id/keys` (Salesforce's `jwks_uri`), issued by the login host the sign-in
 * went to, for our connected app (`aud`), not expired, carrying the nonce this sign-in sent, and about the user
 * the token response names (`sub` is the identity URL, "Inside OpenID Connect on Force.com"). For a My Domain
 * login, the issuer is taken to be the My Domain host [unverified].
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export interface IdTokenExpectations {
  /** Origins the token may come from: the login host of this sign-in. */
  issuers: string[];
  clientId: string;
  nonce: string;
  /** The token response's `id` (identity URL). */
  identityUrl: string;
}

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nonce?: string;
}

/** Clock skew tolerated on `exp`. */
const LEEWAY_SECONDS = 60;

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Throws, saying what is wrong, unless the ID token is valid for this sign-in. */
export async function checkIdToken(
  idToken: string | undefined,
  expected: IdTokenExpectations
): Promise<void> {
  if (!idToken)
    throw new Error('Salesforce sent no ID token: the connected app must allow the "openid" scope.');
  const [head, body, signature] = idToken.split('.');
  if (!head || !body || !signature) throw new Error('The ID token is not a signed JWT.');
  const header = decode(head) as { alg?: string; kid?: string };
  const claims = decode(body) as Claims;
  const issuer = claims.iss?.replace(/\/+$/, '');
  if (!issuer || !expected.issuers.includes(issuer)) {
    throw new Error(
      `The ID token was issued by ${claims.iss ?? 'nobody'}, not by the login host of this sign-in.`
    );
  }
  if (header.alg !== 'RS256') throw new Error(`The ID token is signed with ${header.alg}, not RS256.`);
  const jwks = (await (await fetch(`${issuer}/id/keys`)).json()) as {
    keys?: Array<JsonWebKey & { kid?: string }>;
  };
  const jwk = jwks.keys?.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`The ID token's key ${header.kid} is not among ${issuer}/id/keys.`);
  const valid = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(signature, 'base64url')
  );
  if (!valid) throw new Error('The ID token signature does not verify.');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.clientId))
    throw new Error('The ID token was issued to another connected app.');
  if (!claims.exp || claims.exp + LEEWAY_SECONDS < Date.now() / 1000)
    throw new Error('The ID token has expired.');
  if (claims.nonce !== expected.nonce) throw new Error('The ID token belongs to another sign-in (nonce).');
  if (claims.sub !== expected.identityUrl) throw new Error('The ID token is about another user.');
}
