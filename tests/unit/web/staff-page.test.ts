import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core/config/load-config';
import { pageCsp } from '#core/http/responses';
import { localTokenForm } from '../../../local/stack/local-token';
import { staffInboxConnectSources, staffInboxPage } from '../../../web/pages/staff-inbox';
import { staffPageFromEnv } from '../../../web/pages/staff-page-config';

const DOMAIN = 'https://tipline-staff.auth.eu-west-1.amazoncognito.com';
const HOSTED = `${DOMAIN}/oauth2/authorize?response_type=code&client_id=abc&scope=openid+tipline%2Fstaff&redirect_uri=https://api.example/staff`;
const TOKEN = `${DOMAIN}/oauth2/token`;

describe('the staff page’s sign-in', () => {
  it('in AWS links to the Cognito hosted UI with its token endpoint, and offers no token box or local button', () => {
    const options = staffPageFromEnv({ STAFF_SIGN_IN_URL: HOSTED, STAFF_TOKEN_URL: TOKEN });
    const page = staffInboxPage(options);
    expect(page).toContain(`href="${HOSTED.replace(/&/g, '&amp;')}" data-token-url="${TOKEN}"`);
    expect(page).not.toContain('id="token-form"');
    expect(page).not.toContain('Get a local token');
    // The page's script may trade the code at the token endpoint's origin, and nowhere else.
    expect(staffInboxConnectSources(options)).toEqual([DOMAIN]);
    expect(pageCsp(staffInboxConnectSources(options))).toContain(`connect-src 'self' ${DOMAIN};`);
    expect(pageCsp()).not.toContain('connect-src');
  });

  it('refuses a sign-in URL without its token endpoint, or a token endpoint alone', () => {
    expect(() => staffPageFromEnv({ STAFF_SIGN_IN_URL: HOSTED })).toThrow(/STAFF_TOKEN_URL: set it together/);
    expect(() => staffPageFromEnv({ STAFF_TOKEN_URL: TOKEN })).toThrow(/STAFF_TOKEN_URL: set it together/);
  });

  it('without a hosted UI asks for a pasted token, and shows the local button only when the local stack passes it', () => {
    const plain = staffInboxPage(staffPageFromEnv({}));
    expect(plain).toContain('id="token-form"');
    expect(plain).not.toContain('Get a local token');
    const local = staffInboxPage({ localSignIn: localTokenForm() });
    expect(local).toContain('data-url="/local/token"');
    expect(local).toContain('Get a local token');
  });

  it('refuses a sign-in URL that is not http(s), naming the variable', () => {
    expect(() => staffPageFromEnv({ STAFF_SIGN_IN_URL: 'javascript:alert(1)' })).toThrow(ConfigError);
    expect(() => staffPageFromEnv({ STAFF_SIGN_IN_URL: 'javascript:alert(1)' })).toThrow(/STAFF_SIGN_IN_URL/);
  });
});
