// The POST signer in a module of its own, imported dynamically by upload-grant.ts: intake loads
// it for POST /uploads only, not at cold start.
export { createPresignedPost } from '@aws-sdk/s3-presigned-post';
