import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from '#core/http/errors';

/** The Cognito group whose members may use the staff API (infra/ names the group with it). */
export const STAFF_GROUP = 'staff';

/**
 * The OAuth scope a staff access token must carry: Cognito's resource server `tipline` with the
 * scope `staff`. infra/ declares the resource server, lets the staff app client ask for the scope
 * and requires it on every staff route (authorizationScopes); the local gateway requires it too
 * and the local issuer mints it. An id token carries no scope, so no staff route accepts one.
 */
export const STAFF_RESOURCE_SERVER = 'tipline';
export const STAFF_SCOPE_NAME = 'staff';
export const STAFF_SCOPE = `${STAFF_RESOURCE_SERVER}/${STAFF_SCOPE_NAME}`;

export interface StaffIdentity {
  username: string;
  groups: string[];
}

type ClaimValue = string | number | boolean | string[] | undefined;

/**
 * `cognito:groups` read exactly as it reaches the Lambda. Cognito puts the groups in the token as
 * a JSON array; API Gateway's JWT authorizer hands every claim over as a string, an array written
 * "[staff admin]": the names space-separated inside brackets. Cognito group names hold no
 * whitespace, so that form is unambiguous, but they may hold commas, quotes and brackets: nothing
 * else is split or parsed, or a group named "interns,staff" (arriving as "[interns,staff]") would
 * pass as staff. A real array (the local gateway, tests) is taken as it is, and a plain string
 * is one group.
 */
export function parseGroups(raw: ClaimValue): string[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw.map(String).filter((group) => group !== '');
  const text = String(raw);
  if (text.startsWith('[') && text.endsWith(']')) {
    return text
      .slice(1, -1)
      .split(' ')
      .filter((group) => group !== '');
  }
  return text === '' ? [] : [text];
}

/** The claims the authorizer verified, exactly where API Gateway puts them. */
export function claimsOf(event: APIGatewayProxyEventV2): Record<string, ClaimValue> | undefined {
  const ctx = event.requestContext as unknown as {
    authorizer?: { jwt?: { claims?: Record<string, ClaimValue> } };
  };
  return ctx.authorizer?.jwt?.claims;
}

/**
 * Who is calling, or why not. The authorizer has already checked signature, issuer, audience,
 * expiry and the STAFF_SCOPE; the handler checks membership of the staff group (a pool may hold
 * other users).
 */
export function requireStaff(event: APIGatewayProxyEventV2): StaffIdentity {
  const claims = claimsOf(event);
  if (!claims) throw new UnauthorizedError('a staff token is required');
  // Access tokens carry `username`, id tokens `cognito:username`; `sub` is the last resort.
  const username = [claims.username, claims['cognito:username'], claims.sub]
    .map((v) => (v === undefined ? '' : String(v).trim()))
    .find((v) => v !== '');
  if (!username) throw new UnauthorizedError('the token names no user');
  const groups = parseGroups(claims['cognito:groups']);
  if (!groups.includes(STAFF_GROUP)) {
    throw new ForbiddenError(`only members of the ${STAFF_GROUP} group may do this`);
  }
  return { username, groups };
}
