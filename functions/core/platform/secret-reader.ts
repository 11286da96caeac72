import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '#core/config/secrets';

interface SecretReaderOptions {
  region: string;
  /** Only a test's stand-in endpoint sets it: no Secrets Manager emulator runs locally. */
  endpoint?: string;
}

// The same short timeouts as the other clients: a cold start that cannot reach Secrets Manager
// should fail within seconds (and be retried by Lambda), not hang until the function's timeout.
const requestHandler = { connectionTimeout: 1_000, requestTimeout: 3_000 };
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * GetSecretValue through Powertools' SecretsProvider (its cache is moot here: each secret is read
 * once, at cold start, into the config). Only SecretString secrets: the stack generates them so.
 */
export function makeSecretReader({ region, endpoint }: SecretReaderOptions): SecretReader {
  const provider = new SecretsProvider({
    awsSdkV3Client: new SecretsManagerClient({
      region,
      maxAttempts: 3,
      requestHandler,
      ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
    }),
  });
  return async (secretArn) => {
    const value = await provider.get(secretArn);
    if (typeof value !== 'string') {
      throw Object.assign(new Error('the secret has no SecretString'), { name: 'SecretNotAString' });
    }
    return value;
  };
}
