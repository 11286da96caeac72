import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '../functions/core/env-names';
import { AlertDelivery } from './alert-delivery';
import { TiplineApi } from './http-api';
import type { StackConfig } from './stack-config';
import { StaffAuth } from './staff-auth';
import { LOG_RETENTION, TiplineFunction } from './tipline-function';
import { TipsTable } from './tips-table';

export interface TiplineStackProps extends StackProps {
  readonly config: StackConfig;
}

/** The whole of Tipline in AWS: API, functions, table, stream, dead-letter queue, SES. */
export class TiplineStack extends Stack {
  readonly tips: TipsTable;
  readonly intake: TiplineFunction;
  readonly alerts: AlertDelivery;
  readonly staff: TiplineFunction;
  readonly staffAuth: StaffAuth;
  readonly api: TiplineApi;

  constructor(scope: Construct, id: string, props: TiplineStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.tips = new TipsTable(this, 'Tips');
    const table = this.tips.table;

    this.intake = new TiplineFunction(this, 'Intake', {
      functionDir: 'intake',
      description: 'Reader form, POST /tips and GET /health',
      environment: { [ENV.TIPS_TABLE]: table.tableName },
    });
    // PutItem stores a tip (conditionally: never an overwrite); DescribeTable is /health's probe.
    this.intake.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DescribeTable'],
        resources: [table.tableArn],
      }),
    );

    this.alerts = new AlertDelivery(this, 'Alerts', {
      table,
      deskAddress: config.deskAddress,
      senderAddress: config.senderAddress,
    });

    this.staffAuth = new StaffAuth(this, 'StaffAuth', {
      domainPrefix: config.authDomainPrefix,
      callbackUrls: config.staffCallbackUrls,
    });
    // Signs the list cursors; generated in AWS so no one knows it, and a new one only
    // invalidates the cursors of lists open at that moment.
    const cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'HMAC key of the staff list cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.staff = new TiplineFunction(this, 'Staff', {
      functionDir: 'staff',
      description: 'Staff API: list, read, triage and export tips',
      environment: {
        [ENV.TIPS_TABLE]: table.tableName,
        // Resolved by CloudFormation at deploy time; never in the template or the repository.
        [ENV.CURSOR_SECRET]: cursorSecret.secretValue.unsafeUnwrap(),
      },
      // An export streams page after page; API Gateway cuts it at 30 s anyway.
      timeout: Duration.seconds(29),
    });
    // Read and triage only: a tip is created by intake alone and never deleted by an editor.
    this.staff.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    // Every list page is a Query on one of the list indexes, never on the table or a Scan.
    this.staff.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/*`] }),
    );

    this.api = new TiplineApi(this, 'Api', {
      functions: { intake: this.intake, staff: this.staff },
      staffAuthorizer: this.staffAuth.authorizer,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogs: new LogGroup(this, 'ApiAccessLogs', { retention: LOG_RETENTION }),
    });
  }
}
