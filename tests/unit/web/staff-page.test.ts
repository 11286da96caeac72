import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core/config/load-config';
import { localTokenForm } from '../../../local/stack/local-token';
import { staffInboxPage } from '../../../web/pages/staff-inbox';
import { staffPageFromEnv } from '../../../web/pages/staff-page-config';

const HOSTED =
  'https://tipline-staff.auth.eu-west-1.amazoncognito.com/oauth2/authorize?response_type=token&client_id=abc&redirect_uri=https://api.example/staff';

describe('the staff page’s sign-in', () => {
  it('in AWS links to the Cognito hosted UI and offers no token box or local button', () => {
    const page = staffInboxPage(staffPageFromEnv({ STAFF_SIGN_IN_URL: HOSTED }));
    expect(page).toContain(`href="${HOSTED.replace(/&/g, '&amp;')}"`);
    expect(page).not.toContain('id="token-form"');
    expect(page).not.toContain('Get a local token');
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
