import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CfnResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV, type EnvName, SECRET_ENV, type SecretEnvName } from '#core/config/env-names';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const KNOWN_ENV_NAMES = new Set<string>(Object.values(ENV));

/** The Lambda sets AWS_REGION itself; a function must not try to override it. */
const RESERVED_ENV_NAMES = new Set<string>([ENV.AWS_REGION]);

export interface TiplineFunctionProps {
  /** The folder under functions/ whose `handler.ts` exports `handler`, e.g. `intake`. */
  readonly functionDir: string;
  readonly description: string;
  /** Only names from functions/core/config/env-names.ts, so the stack and the code cannot drift. */
  readonly environment: Partial<Record<EnvName, string>>;
  /**
   * The secrets it reads (SECRET_ENV names), never their values: the function gets each one's
   * `<NAME>_ARN`, may GetSecretValue on it (and decrypt it through Secrets Manager) and reads it
   * once at cold start. A secret's own name in `environment` is refused.
   */
  readonly secrets?: Partial<Record<SecretEnvName, ISecret>>;
  /**
   * @default 29 seconds, just under API Gateway's 30 s integration limit: when the store is
   * degraded, each SDK call may take 3 attempts (1 s connect + 3 s request each), and the
   * handler should still get to answer its own 503 + Retry-After rather than die in a Lambda
   * timeout that API Gateway turns into a bare 500. A healthy request takes milliseconds.
   */
  readonly timeout?: Duration;
  /** @default 512 MB: Lambda's CPU scales with memory, and zod parsing and cold start are CPU-bound. */
  readonly memorySize?: number;
  /** Encrypts the function's log group; @default CloudWatch Logs' own encryption. */
  readonly logKey?: IKey;
  /**
   * Packages shipped in the function's node_modules instead of the bundle (native or
   * `__dirname`-reading ones), installed by npm from the project's lockfile at synth.
   */
  readonly nodeModules?: string[];
  /** The environment of that install, e.g. the platform npm picks prebuilt binaries for. */
  readonly installEnvironment?: Record<string, string>;
}

const DEFAULT_TIMEOUT = Duration.seconds(29);

/** Logs hold request, tip and error ids, never tip text: kept as long as an audit may ask. */
export const LOG_RETENTION = RetentionDays.THREE_MONTHS;

/**
 * The house default for a Tipline Lambda, like guardian/cdk's GuFunction: Node 22 on arm64
 * (cheaper per ms than x86 for the same work), JSON logs (Powertools writes JSON itself;
 * this makes the platform's own lines JSON too), and an ESM bundle built with the project's
 * esbuild, never Docker, so synth works on a laptop without a daemon. Every function is built
 * the same way, so a fix here reaches them all.
 */
export class TiplineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TiplineFunctionProps) {
    const entry = checkProps(id, props);
    // Declared, not left to Lambda to create on first use, so retention and encryption are set;
    // and the role may write to this group only, instead of AWSLambdaBasicExecutionRole's logs:*.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: LOG_RETENTION,
      ...(props.logKey ? { encryptionKey: props.logKey } : {}),
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.functionDir} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      logGroup,
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? DEFAULT_TIMEOUT,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      environment: {
        ...(props.environment as Record<string, string>),
        ...secretArnEnvironment(props.secrets),
        // Stack traces point at the TypeScript source, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        // Some CommonJS dependencies call require(); an ESM bundle has none unless we make one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        mainFields: ['module', 'main'],
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: false,
        // The SDK is bundled, not taken from the runtime: the versions deployed are the ones tested.
        bundleAwsSDK: true,
        externalModules: [],
        // Lambda hands credentials in env vars: the rest of the SDK's chain is dead weight
        // (~130 KB, ~10% of init CPU). See functions/core/platform/lambda-credentials.ts.
        esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS },
        forceDockerBundling: false,
        ...(props.nodeModules ? { nodeModules: props.nodeModules } : {}),
        ...(props.installEnvironment ? { environment: props.installEnvironment } : {}),
      },
    });
    for (const secret of Object.values(props.secrets ?? {})) this.grantSecretRead(role, secret);
    dropRedundantRoleDependency(this, role);
  }

  /**
   * One statement of this function's role: `actions` on `resources` only, under `conditions`
   * when given. Least privilege is spelled out call by call, each with why it is needed.
   */
  allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.addToRolePolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  }

  /** GetSecretValue on this one secret (not DescribeSecret, not a wildcard), and its key via Secrets Manager only. */
  private grantSecretRead(role: Role, secret: ISecret): void {
    role.addToPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    if (!secret.encryptionKey) return;
    role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': secret.secretArn,
          },
        },
      }),
    );
  }
}

function secretArnEnvironment(secrets: TiplineFunctionProps['secrets']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets ?? {}).map(([name, secret]) => [
      SECRET_ENV[name as SecretEnvName],
      secret.secretArn,
    ]),
  );
}

const LAMBDA_CREDENTIALS = `${PROJECT_ROOT}functions/core/platform/lambda-credentials.ts`;

function checkProps(id: string, props: TiplineFunctionProps): string {
  const fail = (why: string): never => {
    throw new Error(`TiplineFunction ${id}: ${why}`);
  };
  const entry = `${PROJECT_ROOT}functions/${props.functionDir}/handler.ts`;
  if (!/^[a-z][a-z0-9-]*$/.test(props.functionDir))
    fail(`functionDir "${props.functionDir}" must be a folder name`);
  if (!existsSync(entry)) fail(`no handler at functions/${props.functionDir}/handler.ts`);
  if (props.description.trim().length === 0) fail('needs a description (it is what the console shows)');

  for (const [name, value] of Object.entries(props.environment)) {
    if (!KNOWN_ENV_NAMES.has(name))
      fail(`environment variable ${name} is not in functions/core/config/env-names.ts`);
    if (RESERVED_ENV_NAMES.has(name)) fail(`environment variable ${name} is set by Lambda itself`);
    if (name in SECRET_ENV || Object.values(SECRET_ENV).includes(name as never)) {
      fail(
        `environment variable ${name} is a secret's: pass the secret as \`secrets\` (the function gets its ARN)`,
      );
    }
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.length === 0)) {
      fail(`environment variable ${name} is empty`);
    }
  }

  const seconds = (props.timeout ?? DEFAULT_TIMEOUT).toSeconds();
  if (seconds < 1 || seconds > 900) fail(`timeout must be 1–900 seconds, got ${seconds}`);
  const memory = props.memorySize ?? 512;
  if (!Number.isInteger(memory) || memory < 128 || memory > 10_240) {
    fail(`memorySize must be an integer of 128–10240 MB, got ${memory}`);
  }

  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    fail('esbuild is not installed in the project (npm ci): Tipline bundles locally, never in Docker');
  }
  return entry;
}

/**
 * lambda.Function makes the function DependsOn its role although its `Role` property already
 * references it (Fn::GetAtt), which cfn-lint reports (W3005) on every function. The dependency
 * on the role's policies is real (a grant must exist before the first invocation) and stays;
 * only the role itself is taken out, once synth has turned construct dependencies into DependsOn.
 */
function dropRedundantRoleDependency(fn: NodejsFunction, role: Role): void {
  dropRoleDependency(fn.node.defaultChild as CfnResource, role.node.defaultChild as CfnResource);
}

/** The same for a function CDK makes itself (the S3 notifications handler): only the role goes. */
export function dropRoleDependency(cfnFunction: CfnResource, cfnRole: CfnResource): void {
  cfnFunction.addOverride(
    'DependsOn',
    Lazy.list({
      produce: () =>
        cfnFunction
          .obtainDependencies()
          .filter((d): d is CfnResource => d instanceof CfnResource && d !== cfnRole)
          .map((d) => d.logicalId)
          .sort(),
    }),
  );
}
