import type { IncomingHttpHeaders } from 'node:http';
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

type Refusal = { statusCode: number; body: { error: string; message: string } };

const forbidden = (message: string): Refusal => ({ statusCode: 403, body: { error: 'forbidden', message } });

/**
 * Why a request to the local token route is not the staff page of this very stack, if it is not.
 * A page on any other site can post here from the laptop's browser (a text/plain post needs no
 * preflight), and one on a DNS-rebound name (attacker.example resolving to 127.0.0.1) even counts
 * as same-origin to the browser; the token it got back would open every tip on the laptop. So:
 * the Host must be this stack's own 127.0.0.1:<port> or localhost:<port> (which a rebound name is
 * not), an Origin must be that origin, a Sec-Fetch-Site must say same-origin, and the body must be
 * declared JSON (not a type a cross-origin page may send without a preflight). A client that sends
 * neither Origin nor Sec-Fetch-Site (curl, a script on the laptop) is not a browser page.
 */
export function sameOriginRefusal(headers: IncomingHttpHeaders, port: number): Refusal | undefined {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`, ...(port === 80 ? ['127.0.0.1', 'localhost'] : [])];
  const host = headers.host?.toLowerCase();
  if (host === undefined || !own.includes(host)) {
    return forbidden(`only requests to this stack itself (http://127.0.0.1:${port}) get a local token`);
  }
  const { origin } = headers;
  if (origin !== undefined && origin !== `http://${host}`) {
    return forbidden('only the staff page of this stack (same origin) gets a local token');
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    return forbidden('only the staff page of this stack (Sec-Fetch-Site: same-origin) gets a local token');
  }
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return {
      statusCode: 415,
      body: { error: 'unsupported_media_type', message: 'send the request as application/json' },
    };
  }
  return undefined;
}

/**
 * Mints a staff access token for a user name, as the local issuer signs them, for a same-origin
 * JSON request only (see sameOriginRefusal).
 */
export function localTokenRoute(issuer: RunningTokenIssuer): LocalRoute {
  return async ({ body, headers, port }) => {
    const refusal = sameOriginRefusal(headers, port);
    if (refusal) return refusal;
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
