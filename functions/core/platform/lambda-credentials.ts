import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The SDK's default credential chain cut to its first link, for Lambda bundles only: Lambda
 * always hands a function its role's credentials in environment variables, so the chain's
 * SSO, ini, process, web-identity and container/IMDS links (and the STS/SSO clients they
 * carry, ~130 KB minified, ~10% of init CPU) are never reached there. The Lambda bundles
 * (infra/tipline-function.ts, bench/bundle-options.ts) alias
 * `@aws-sdk/credential-provider-node` to this file; local runs are not bundled and keep
 * the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
