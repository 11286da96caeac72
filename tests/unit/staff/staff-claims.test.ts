import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '#core/http/errors';
import { parseGroups, requireStaff } from '#core/staff/staff-claims';
import { httpEvent } from '../../support/events';

function withClaims(claims: Record<string, unknown> | undefined) {
  const event = httpEvent({ method: 'GET', path: '/tips' });
  if (claims)
    (event.requestContext as unknown as Record<string, unknown>).authorizer = {
      jwt: { claims, scopes: null },
    };
  return event;
}

describe('staff claims', () => {
  it('reads cognito:groups in every form it arrives in', () => {
    expect(parseGroups('[staff admin]')).toEqual(['staff', 'admin']);
    expect(parseGroups('[staff]')).toEqual(['staff']);
    expect(parseGroups('["staff","admin"]')).toEqual(['staff', 'admin']);
    expect(parseGroups(['staff', 'admin'])).toEqual(['staff', 'admin']);
    expect(parseGroups('staff')).toEqual(['staff']);
    expect(parseGroups('[]')).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it('does not mistake a group that merely contains "staff"', () => {
    expect(() => requireStaff(withClaims({ username: 'x', 'cognito:groups': '[staffing]' }))).toThrow(
      ForbiddenError,
    );
  });

  it('returns the user of an access token (username) or an id token (cognito:username)', () => {
    expect(requireStaff(withClaims({ username: 'alice', 'cognito:groups': '[admin staff]' }))).toEqual({
      username: 'alice',
      groups: ['admin', 'staff'],
    });
    expect(
      requireStaff(withClaims({ 'cognito:username': 'bob', 'cognito:groups': '[staff]' })).username,
    ).toBe('bob');
  });

  it('is 401 without claims and 403 without the staff group', () => {
    expect(() => requireStaff(withClaims(undefined))).toThrow(UnauthorizedError);
    expect(() => requireStaff(withClaims({ username: 'carol' }))).toThrow(ForbiddenError);
  });
});
