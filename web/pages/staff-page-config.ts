import * as z from 'zod';
import { ENV } from '#core/config/env-names';
import { loadConfig } from '#core/config/load-config';
import type { StaffPageOptions } from './staff-inbox';

/**
 * The staff page's sign-in, read once at cold start. In AWS, STAFF_SIGN_IN_URL is the Cognito
 * hosted UI's authorize URL (implicit flow, redirect_uri = this API's /staff); unset, the page
 * offers to paste a token. The local token button is never configured from the environment:
 * only the local stack passes it.
 */
export const staffPageConfigSchema = z.object({
  [ENV.STAFF_SIGN_IN_URL]: z
    .url({ protocol: /^https?$/, error: 'must be the hosted UI sign-in URL' })
    .optional(),
});

export function staffPageFromEnv(env: Record<string, string | undefined> = process.env): StaffPageOptions {
  const config = loadConfig(staffPageConfigSchema, env);
  const signInUrl = config[ENV.STAFF_SIGN_IN_URL];
  return signInUrl ? { signInUrl } : {};
}
