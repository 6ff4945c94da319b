import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ANALYTICS_TABLES } from '../../functions/analytics/schema.js';
import { actionsOf, logicalIdOf, statementsOf, synthesizeOms } from './oms-app.js';

describe('the analytics export', () => {
  const { stack, template } = synthesizeOms();

  it('keeps its files in an encrypted, private, TLS-only bucket with a lifecycle', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'tables', Prefix: 'tables/', ExpirationInDays: 2557 }),
          Match.objectLike({ Id: 'athena-results', Prefix: 'athena-results/', ExpirationInDays: 30 }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it.each(ANALYTICS_TABLES.map((table) => table.name))(
    'delivers %s as Parquet with its Glue schema, partitioned by the day in the record',
    (name) => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamName: `oms-test-analytics-${name.replace(/_/g, '-')}`,
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          Prefix: `tables/${name}/dt=!{partitionKeyFromQuery:dt}/`,
          DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
          DataFormatConversionConfiguration: Match.objectLike({
            Enabled: true,
            OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
            SchemaConfiguration: Match.objectLike({ DatabaseName: 'oms_test', TableName: name }),
          }),
        }),
      });
      template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: 'oms_test',
        TableInput: Match.objectLike({
          Name: name,
          PartitionKeys: [{ Name: 'dt', Type: 'string' }],
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
          }),
        }),
      });
    },
  );

  it('gives Athena a workgroup whose encrypted results land in the bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'oms-test',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
    template.resourceCountIs('AWS::Glue::Database', 1);
  });

  it('lets reports-stream put records to the delivery streams only, and read its pseudonym key', () => {
    const statements = statementsOf(template, logicalIdOf(stack.functions.reportsStream.role!));
    const puts = statements.filter((statement) => actionsOf([statement]).includes('firehose:PutRecordBatch'));
    expect(puts).toHaveLength(1);
    expect(
      JSON.stringify(puts[0]!.Resource).match(/DeliveryStream|delivery/g)?.length,
    ).toBeGreaterThanOrEqual(4);
    const variables =
      template.toJSON().Resources[logicalIdOf(stack.functions.reportsStream)].Properties.Environment
        .Variables;
    expect(variables).toMatchObject({
      ANALYTICS_DELIVERY_STREAM_PREFIX: 'oms-test-analytics-',
      OMS_REPORTS_TIME_ZONE: 'UTC',
    });
  });
});
