import * as z from 'zod';
import { ENV } from '#core/config/env-names';
import { loadConfig } from '#core/config/load-config';
import type { StaffPageOptions } from './staff-inbox';

const url = (what: string) => z.url({ protocol: /^https?$/, error: `must be the ${what}` }).optional();

/**
 * The staff page's sign-in, read once at cold start. In AWS, STAFF_SIGN_IN_URL is the Cognito
 * hosted UI's authorize URL (authorization code grant, redirect_uri = this API's /staff) and
 * STAFF_TOKEN_URL its token endpoint, where the page trades the code and its PKCE verifier;
 * both or neither. Unset, the page offers to paste a token. The local token button is never
 * configured from the environment: only the local stack passes it.
 */
export const staffPageConfigSchema = z
  .object({
    [ENV.STAFF_SIGN_IN_URL]: url('hosted UI sign-in URL'),
    [ENV.STAFF_TOKEN_URL]: url('hosted UI token endpoint (…/oauth2/token)'),
  })
  .refine((c) => (c[ENV.STAFF_SIGN_IN_URL] === undefined) === (c[ENV.STAFF_TOKEN_URL] === undefined), {
    path: [ENV.STAFF_TOKEN_URL],
    message: 'set it together with STAFF_SIGN_IN_URL (the page trades the sign-in code there), or neither',
  });

export function staffPageFromEnv(env: Record<string, string | undefined> = process.env): StaffPageOptions {
  const config = loadConfig(staffPageConfigSchema, env);
  const signInUrl = config[ENV.STAFF_SIGN_IN_URL];
  const tokenUrl = config[ENV.STAFF_TOKEN_URL];
  return signInUrl && tokenUrl ? { signInUrl, tokenUrl } : {};
}
