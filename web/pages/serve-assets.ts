import { NotFoundError } from '#core/http/errors';
import type { HttpResponse } from '#core/http/responses';
import { ASSETS } from '../generated/assets';

/**
 * A built asset by its content-hashed name. The name changes whenever the content does, so
 * browsers and CDNs may keep it for a year without asking again.
 */
export function assetResponse(file: string | undefined): HttpResponse {
  const asset = file !== undefined && Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
  if (!asset) throw new NotFoundError('no such asset');
  return {
    statusCode: 200,
    headers: {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    },
    body: asset.body,
  };
}
