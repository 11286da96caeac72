import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '#core/http/errors';
import { parseGroups, requireStaff, STAFF_GROUP } from '#core/staff/staff-claims';
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
    // API Gateway never sends JSON text: '["staff","admin"]' is its form of one group named so.
    expect(parseGroups('["staff","admin"]')).toEqual(['"staff","admin"']);
    expect(parseGroups(['staff', 'admin'])).toEqual(['staff', 'admin']);
    expect(parseGroups('staff')).toEqual(['staff']);
    expect(parseGroups('[]')).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it('never splits a group name on commas: "interns,staff" is one group, and not staff', () => {
    const forms = ['[interns,staff]', ['interns,staff'], 'interns,staff', '["interns","staff"]'];

    const groups = forms.map((raw) => parseGroups(raw));

    expect(groups).toEqual([['interns,staff'], ['interns,staff'], ['interns,staff'], ['"interns","staff"']]);
    for (const raw of forms) {
      expect(() => requireStaff(withClaims({ username: 'x', 'cognito:groups': raw }))).toThrow(
        ForbiddenError,
      );
    }
    // Only the space API Gateway puts between names separates them.
    expect(parseGroups('[interns, staff]')).toEqual(['interns,', 'staff']);
  });

  // Cognito group names have no whitespace, so API Gateway's "[a b c]" is unambiguous for them;
  // commas, quotes and brackets are allowed in names and must survive.
  const tricky = fc.constantFrom('staff', 'interns', 'a', ',', '"', '[', ']', "'", ';', '\\', 'é', '组');
  const name = fc.array(tricky, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
  const spaced = fc
    .array(fc.oneof(tricky, fc.constant(' ')), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join(''))
    .filter((n) => n.trim() !== '');

  it('reads API Gateway\'s "[a b c]" back into exactly the groups, whatever punctuation they hold', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 5 }), (names) => {
        expect(parseGroups(`[${names.join(' ')}]`)).toEqual(names);
      }),
    );
  });

  it('reads a real array as it is, names with commas and spaces included', () => {
    fc.assert(
      fc.property(fc.array(spaced, { maxLength: 5 }), (names) => {
        expect(parseGroups(names)).toEqual(names);
      }),
    );
  });

  it('reads a plain string as one group, commas and spaces included', () => {
    fc.assert(
      fc.property(
        spaced.filter((n) => !(n.startsWith('[') && n.endsWith(']'))),
        (group) => {
          expect(parseGroups(group)).toEqual([group]);
        },
      ),
    );
  });

  it('lets in only a group named exactly "staff", in every form', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 5 }), (names) => {
        const member = names.includes(STAFF_GROUP);
        // A comma- or JSON-joined list is one group name: staff only if it is exactly "staff".
        const forms: [string | string[], boolean][] = [
          [`[${names.join(' ')}]`, member],
          [names, member],
          [names.join(','), names.join(',') === STAFF_GROUP],
          [JSON.stringify(names), false],
        ];

        for (const [raw, admitted] of forms) {
          const event = withClaims({ username: 'x', 'cognito:groups': raw });
          if (admitted) expect(requireStaff(event).groups).toContain(STAFF_GROUP);
          else expect(() => requireStaff(event)).toThrow(ForbiddenError);
        }
      }),
    );
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
