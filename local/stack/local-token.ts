import { escapeHtml } from '#core/tips/text-safety';
import type { LocalRoute } from './gateway';
import type { RunningTokenIssuer } from './token-issuer';

/** Local only: the staff page's "Get a local token" button posts here; AWS has no such route. */
export const LOCAL_TOKEN_PATH = '/local/token';

/** The form the local stack adds to the staff page's sign-in (inbox-client.ts wires it up). */
export function localTokenForm(url: string = LOCAL_TOKEN_PATH): string {
  return `<form id="local-token-form" data-url="${escapeHtml(url)}">
<h2>Running locally?</h2>
<label for="local-user">User name</label>
<input type="text" id="local-user" name="user" value="alice" autocomplete="username">
<div class="actions"><button type="submit" class="secondary">Get a local token</button></div>
</form>`;
}

/** Mints a staff token for a user name, as the local issuer signs them. */
export function localTokenRoute(issuer: RunningTokenIssuer): LocalRoute {
  return async (body) => {
    let user: unknown;
    try {
      ({ user } = JSON.parse(body.toString('utf8') || '{}') as { user?: unknown });
    } catch {}
    if (typeof user !== 'string' || !/^[\w.@-]{1,64}$/.test(user)) {
      return {
        statusCode: 400,
        body: { error: 'validation_failed', message: 'user: letters, digits, . _ @ -' },
      };
    }
    return { statusCode: 200, body: { token: await issuer.mint({ user }) } };
  };
}
