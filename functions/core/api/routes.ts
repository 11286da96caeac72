/**
 * Every HTTP route, which function serves it and whether it needs a staff token.
 * infra/ builds the HttpApi from this list and local/ builds its gateway from it, so the
 * two cannot disagree about what is public.
 */
export type FunctionName = 'intake' | 'staff' | 'receipts';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  target: FunctionName;
  auth: 'public' | 'staff';
}

export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/', target: 'intake', auth: 'public' },
  { method: 'POST', path: '/tips', target: 'intake', auth: 'public' },
  { method: 'GET', path: '/health', target: 'intake', auth: 'public' },
  // One attachment's upload request: a presigned POST straight to S3 (issue 12).
  { method: 'POST', path: '/uploads', target: 'intake', auth: 'public' },
  // The pages' built assets and the staff inbox page: public HTML/JS; its API calls carry the token.
  { method: 'GET', path: '/assets/{file}', target: 'intake', auth: 'public' },
  { method: 'GET', path: '/staff', target: 'intake', auth: 'public' },
  // The reader's follow-up page (it calls the receipts routes below).
  { method: 'GET', path: '/follow-up', target: 'intake', auth: 'public' },
  { method: 'GET', path: '/tips', target: 'staff', auth: 'staff' },
  { method: 'GET', path: '/tips/export', target: 'staff', auth: 'staff' },
  { method: 'GET', path: '/tips/{id}', target: 'staff', auth: 'staff' },
  { method: 'PATCH', path: '/tips/{id}', target: 'staff', auth: 'staff' },
  // A short-lived presigned GET of one attachment, recorded in the tip's history (issue 12).
  {
    method: 'POST',
    path: '/tips/{id}/attachments/{attachmentId}/download',
    target: 'staff',
    auth: 'staff',
  },
  // The API contract, generated from the zod schemas (functions/core/api/openapi.ts).
  { method: 'GET', path: '/openapi.json', target: 'intake', auth: 'public' },
  // The reader's follow-up by receipt code: its own function, rate limited per client.
  { method: 'GET', path: '/receipts/{code}', target: 'receipts', auth: 'public' },
  { method: 'POST', path: '/receipts/{code}/messages', target: 'receipts', auth: 'public' },
];

export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method} ${r.path}`;
