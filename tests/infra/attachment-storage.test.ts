import type { Stack } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import {
  ATTACHED_TAG,
  CLEAN_PREFIX,
  ORIGINALS_PREFIX,
  UNATTACHED_EXPIRY_DAYS,
  UPLOAD_EXPIRY_DAYS,
  UPLOAD_PREFIX,
} from '#core/uploads/storage-layout';
import { logicalId, templateOnly } from './template-helpers';

const { stack, template } = templateOnly();
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by the assertions below
const resources: Record<string, any> = template.toJSON().Resources;
const { uploads, clean, malwareScanRole, malwareProtection } = stack.attachments;
const uploadsId = logicalId(stack, uploads);
const cleanId = logicalId(stack, clean);
const keyArn = { 'Fn::GetAtt': [logicalId(stack, stack.key), 'Arn'] };
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objectsOf = (id: string, suffix: string) => ({ 'Fn::Join': ['', [arnOf(id), `/${suffix}`]] });

/** The bucket policy statements of one bucket (enforceSSL and the TLS minimum). */
function bucketPolicy(bucketId: string) {
  const policy = Object.values(resources).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId,
  );
  return policy?.Properties.PolicyDocument.Statement;
}

describe('the attachment buckets (infra/attachment-storage.ts)', () => {
  test('two buckets, each encrypted with the project key (bucket key on), private, unversioned, retained', () => {
    for (const id of [uploadsId, cleanId]) {
      const bucket = resources[id];
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { KMSMasterKeyID: keyArn, SSEAlgorithm: 'aws:kms' },
        },
      ]);
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
      // No versioning: an erased or cleaned-away original leaves no old version behind.
      expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  test('each refuses plain HTTP and TLS below 1.2, for the bucket and its objects', () => {
    for (const id of [uploadsId, cleanId]) {
      const resourcesOf = [arnOf(id), objectsOf(id, '*')];
      expect(bucketPolicy(id)).toEqual([
        {
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: resourcesOf,
        },
        {
          Action: 's3:*',
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: resourcesOf,
        },
      ]);
    }
  });

  test("CORS lets only the form's origin (the distribution's https URL) POST to the uploads bucket; the clean bucket has none", () => {
    expect(resources[uploadsId].Properties.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedMethods: ['POST'],
        AllowedOrigins: [
          {
            'Fn::Join': [
              '',
              ['https://', { 'Fn::GetAtt': [logicalId(stack, stack.edge.distribution), 'DomainName'] }],
            ],
          },
        ],
        AllowedHeaders: ['content-type'],
        MaxAge: 3600,
      },
    ]);
    expect(resources[cleanId].Properties.CorsConfiguration).toBeUndefined();
  });

  test('with a domain of its own, CORS names that origin, without a trailing slash', () => {
    const custom = templateOnly({
      domainName: 'tips.paper.example',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    });
    const bucket =
      custom.template.toJSON().Resources[logicalId(custom.stack, custom.stack.attachments.uploads)];
    expect(bucket.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual([
      'https://tips.paper.example',
    ]);
  });

  test('everything in the uploads bucket expires within a day, unfinished multipart uploads too', () => {
    expect(UPLOAD_EXPIRY_DAYS).toBe(1);
    expect(resources[uploadsId].Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-uploads',
        Status: 'Enabled',
        ExpirationInDays: UPLOAD_EXPIRY_DAYS,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: UPLOAD_EXPIRY_DAYS },
      },
    ]);
  });

  test('a clean copy or kept original still tagged unattached expires within a day; an attached one is left to tip retention', () => {
    expect(UNATTACHED_EXPIRY_DAYS).toBe(1);
    expect(resources[cleanId].Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-unattached-clean-copies',
        Status: 'Enabled',
        Prefix: CLEAN_PREFIX,
        TagFilters: [{ Key: ATTACHED_TAG.key, Value: ATTACHED_TAG.unattached }],
        ExpirationInDays: UNATTACHED_EXPIRY_DAYS,
      },
      {
        Id: 'expire-unattached-originals',
        Status: 'Enabled',
        Prefix: ORIGINALS_PREFIX,
        TagFilters: [{ Key: ATTACHED_TAG.key, Value: ATTACHED_TAG.unattached }],
        ExpirationInDays: UNATTACHED_EXPIRY_DAYS,
      },
    ]);
  });

  test('the bucket names are stack outputs, for operators and the functions to come', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.UploadsBucketName.Value).toEqual({ Ref: uploadsId });
    expect(outputs.CleanBucketName.Value).toEqual({ Ref: cleanId });
  });
});

describe('GuardDuty Malware Protection for S3 on the uploads bucket', () => {
  const planId = (stack as Stack).getLogicalId(malwareProtection);
  const roleId = logicalId(stack, malwareScanRole);
  const policy = malwareScanRole.node.tryFindChild('DefaultPolicy');
  const policyId = logicalId(stack, policy as unknown as Parameters<typeof logicalId>[1]);

  test('a plan for the uploads bucket under uploads/, tagging each scanned object, created after its role policy', () => {
    template.resourceCountIs('AWS::GuardDuty::MalwareProtectionPlan', 2);
    expect(resources[planId].Properties).toEqual({
      Role: arnOf(roleId),
      ProtectedResource: { S3Bucket: { BucketName: { Ref: uploadsId }, ObjectPrefixes: [UPLOAD_PREFIX] } },
      Actions: { Tagging: { Status: 'ENABLED' } },
    });
    expect(resources[planId].DependsOn).toContain(policyId);
  });

  test("its role is GuardDuty's alone, for this account only", () => {
    expect(resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'malware-protection-plan.guardduty.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': stack.resolve(stack.account) } },
      },
    ]);
    expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(resources[roleId].Properties.Policies).toBeUndefined();
  });

  test('its role may do exactly what GuardDuty documents for one bucket, and nothing on the clean bucket', () => {
    const doc = resources[policyId].Properties.PolicyDocument.Statement;
    const rule = stack.resolve(
      `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*`,
    );
    const bySid = Object.fromEntries(doc.map((s: { Sid: string }) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'BucketEventsAndOwnership',
      'DecryptUploadsThroughS3',
      'DescribeManagedEventRule',
      'ManagedEventRule',
      'ScanAndTagUploads',
      'ValidationObject',
    ]);
    expect(bySid.ManagedEventRule).toMatchObject({
      Resource: rule,
      Condition: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
    });
    expect(bySid.DescribeManagedEventRule).toMatchObject({
      Action: ['events:DescribeRule', 'events:ListTargetsByRule'],
      Resource: rule,
    });
    expect(bySid.BucketEventsAndOwnership.Resource).toEqual(arnOf(uploadsId));
    expect(bySid.ScanAndTagUploads.Resource).toEqual(objectsOf(uploadsId, `${UPLOAD_PREFIX}*`));
    expect(bySid.ScanAndTagUploads.Action).not.toContain('s3:PutObject');
    expect(bySid.ScanAndTagUploads.Action).not.toContain('s3:DeleteObject');
    expect(bySid.ValidationObject).toMatchObject({
      Action: 's3:PutObject',
      Resource: objectsOf(uploadsId, 'malware-protection-resource-validation-object'),
    });
    expect(bySid.DecryptUploadsThroughS3).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: keyArn,
      Condition: { StringLike: { 'kms:ViaService': stack.resolve(`s3.${stack.region}.amazonaws.com`) } },
    });
    expect(JSON.stringify(doc)).not.toContain(cleanId);
  });
});

describe('GuardDuty Malware Protection for S3 on the clean bucket (what staff download)', () => {
  const { cleanScanRole, cleanMalwareProtection } = stack.attachments;
  const planId = (stack as Stack).getLogicalId(cleanMalwareProtection);
  const roleId = logicalId(stack, cleanScanRole);
  const policy = cleanScanRole.node.tryFindChild('DefaultPolicy');
  const policyId = logicalId(stack, policy as unknown as Parameters<typeof logicalId>[1]);

  test('a plan for clean/ and originals/, tagging each object (the staff function reads the tag), after its policy', () => {
    expect(resources[planId].Properties).toEqual({
      Role: arnOf(roleId),
      ProtectedResource: {
        S3Bucket: { BucketName: { Ref: cleanId }, ObjectPrefixes: [CLEAN_PREFIX, ORIGINALS_PREFIX] },
      },
      Actions: { Tagging: { Status: 'ENABLED' } },
    });
    expect(resources[planId].DependsOn).toContain(policyId);
  });

  test('its own role reads and tags only those prefixes of the clean bucket, nothing of the uploads bucket', () => {
    const doc = resources[policyId].Properties.PolicyDocument.Statement;
    const bySid = Object.fromEntries(doc.map((s: { Sid: string }) => [s.Sid, s]));
    expect(bySid.ScanAndTagCleanCopies.Resource).toEqual([
      objectsOf(cleanId, `${CLEAN_PREFIX}*`),
      objectsOf(cleanId, `${ORIGINALS_PREFIX}*`),
    ]);
    expect(bySid.BucketEventsAndOwnership.Resource).toEqual(arnOf(cleanId));
    expect(JSON.stringify(doc)).not.toContain(uploadsId);
    expect(roleId).not.toBe(logicalId(stack, malwareScanRole));
  });
});
