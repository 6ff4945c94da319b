import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup, LogStream } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  ANALYTICS_PSEUDONYM_SECRET_ENV,
  ANALYTICS_STREAM_PREFIX_ENV,
  ANALYTICS_TABLES,
  deliveryStreamName,
  type AnalyticsTable,
} from '../functions/analytics/schema.js';
import { REPORTS_TIME_ZONE_ENV } from '../functions/reports/settings.js';
import type { StageNames } from './stage-config.js';

export interface AnalyticsProps {
  names: StageNames;
  /** The Orders-stream function that exports the rows (lib/topology.ts `reportsStream`). */
  exporter: LambdaFunction;
  /** Functions that read the reporting time zone (the exporter and the reports API). */
  reportFunctions: readonly LambdaFunction[];
  /** The reporting time zone (stage setting `reportsTimeZone`). */
  timeZone: string;
  retainData: boolean;
  logRetention: RetentionDays;
  /** Days the export is kept (default about seven years, what the books usually need). */
  retentionDays?: number;
}

/**
 * Analytics on an existing engine (docs/reports.md, "Analytics export"): the reports function
 * puts rows of orders, lines, fulfillment orders and returns to one Kinesis Data Firehose delivery
 * stream per table, which converts them to Parquet with the Glue table's schema and writes them
 * to S3 under `tables/<table>/dt=<day>/`, the day taken from each record (dynamic partitioning).
 * The Glue tables use partition projection, so new days need no crawler or MSCK REPAIR, and
 * Athena queries them in the stage's workgroup, whose results land in the same bucket.
 *
 * Firehose rather than a Lambda writing Parquet itself: it buffers into files of a useful size
 * (minutes or 64 MiB, not one file per stream batch), converts with the Glue schema so the two
 * can't drift, retries S3 on its own and keeps DuckDB's native binary out of the Lambda bundle.
 */
export class Analytics extends Construct {
  readonly bucket: Bucket;
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly deliveryStreams: CfnDeliveryStream[];

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const stage = props.names.stage;
    this.databaseName = `oms_${stage.replace(/-/g, '_')}`;
    this.workGroupName = `oms-${stage}`;
    const streamPrefix = `oms-${stage}-analytics-`;

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'tables',
          prefix: 'tables/',
          transitions: [
            { storageClass: StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) },
          ],
          expiration: Duration.days(props.retentionDays ?? 2557),
        },
        { id: 'athena-results', prefix: 'athena-results/', expiration: Duration.days(30) },
        { id: 'delivery-errors', prefix: 'errors/', expiration: Duration.days(90) },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The export is a derived copy of the tables, written by Firehose and read through Athena only; S3 data events in CloudTrail audit access where the retailer wants it, a second log bucket would only log itself.',
    });

    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: `OMS analytics export of stage ${stage} (docs/reports.md)`,
      },
    });
    const tables = ANALYTICS_TABLES.map((table) => {
      const glueTable = this.glueTable(table);
      glueTable.addDependency(database);
      return glueTable;
    });

    const logGroup = new LogGroup(this, 'DeliveryLogs', {
      logGroupName: `${props.names.logGroupPrefix}analytics-delivery`,
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Firehose: write the analytics export to its bucket, read its Glue table schemas',
    });
    this.bucket.grantReadWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          ...ANALYTICS_TABLES.map((table) =>
            stack.formatArn({
              service: 'glue',
              resource: 'table',
              resourceName: `${this.databaseName}/${table.name}`,
            }),
          ),
        ],
      }),
    );
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason: "grantReadWrite's multipart-upload actions, on this bucket only.",
    });
    for (const wildcard of [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
    ]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${wildcard}]`,
        reason: 'grantReadWrite on the export bucket only: Firehose lists, reads and writes its own objects.',
      });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/*]`,
      reason: 'Objects of the export bucket, which Firehose names itself (partitions, buffers).',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(logGroup.node.defaultChild as never)}.Arn>:*]`,
      reason: "The delivery streams' log streams, in their one log group.",
    });

    this.deliveryStreams = ANALYTICS_TABLES.map((table, index) => {
      const logStream = new LogStream(this, `${table.name}-errors`, {
        logGroup,
        logStreamName: `${table.name}-delivery`,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const deliveryStream = new CfnDeliveryStream(this, `${table.name}-delivery`, {
        deliveryStreamName: deliveryStreamName(streamPrefix, table.name),
        deliveryStreamType: 'DirectPut',
        deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
        extendedS3DestinationConfiguration: {
          bucketArn: this.bucket.bucketArn,
          roleArn: role.roleArn,
          prefix: `tables/${table.name}/dt=!{partitionKeyFromQuery:dt}/`,
          errorOutputPrefix: `errors/${table.name}/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
          // Parquet conversion needs a buffer of at least 64 MiB; five minutes bound the latency.
          bufferingHints: { sizeInMBs: 64, intervalInSeconds: 300 },
          cloudWatchLoggingOptions: {
            enabled: true,
            logGroupName: logGroup.logGroupName,
            logStreamName: logStream.logStreamName,
          },
          dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
          processingConfiguration: {
            enabled: true,
            processors: [
              {
                type: 'MetadataExtraction',
                parameters: [
                  { parameterName: 'MetadataExtractionQuery', parameterValue: '{dt: .dt}' },
                  { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
                ],
              },
            ],
          },
          dataFormatConversionConfiguration: {
            enabled: true,
            inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
            outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
            schemaConfiguration: {
              catalogId: Aws.ACCOUNT_ID,
              databaseName: this.databaseName,
              tableName: table.name,
              region: Aws.REGION,
              roleArn: role.roleArn,
              versionId: 'LATEST',
            },
          },
        },
      });
      deliveryStream.node.addDependency(role);
      deliveryStream.addDependency(tables[index]!);
      return deliveryStream;
    });

    new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `Queries over the OMS analytics export of stage ${stage} (database ${this.databaseName})`,
      recursiveDeleteOption: !props.retainData,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    // The pseudonym key: customer_id = HMAC-SHA-256(key, customerKey). Never rotated on a
    // schedule: a new key gives every customer a new id and breaks every join across the change.
    const pseudonymKey = new Secret(this, 'PseudonymKey', {
      description: `OMS ${stage}: the key of the analytics export's pseudonymous customer ids`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(pseudonymKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the pseudonym key re-identifies nobody but changes every customer_id, breaking joins across the rotation: it is a deliberate re-pseudonymization, done by hand (docs/reports.md).',
    });

    props.exporter.addEnvironment(ANALYTICS_STREAM_PREFIX_ENV, streamPrefix);
    props.exporter.addEnvironment(ANALYTICS_PSEUDONYM_SECRET_ENV, pseudonymKey.secretArn);
    pseudonymKey.grantRead(props.exporter);
    props.exporter.addToRolePolicy(
      new PolicyStatement({
        actions: ['firehose:PutRecordBatch'],
        resources: this.deliveryStreams.map((deliveryStream) => deliveryStream.attrArn),
      }),
    );
    for (const fn of props.reportFunctions) fn.addEnvironment(REPORTS_TIME_ZONE_ENV, props.timeZone);
  }

  private glueTable(table: AnalyticsTable): CfnTable {
    const location = `s3://${this.bucket.bucketName}/tables/${table.name}/`;
    return new CfnTable(this, `${table.name}-table`, {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: table.name,
        description: table.description,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string' }],
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2020-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          columns: table.columns.map((column) => ({ name: column.name, type: column.type })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
  }
}
