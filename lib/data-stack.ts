// The stateful stack: what must survive a redeploy or a teardown of the API. The single table
// (pointers, history, drafts: the commit point), the blob bucket (version content, the national
// routing and postcode directory) and, when enabled, the Amazon Location place index. Deploy it once; the service stack can be replaced freely.
import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as location from 'aws-cdk-lib/aws-location';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { PlaceIndexDataSource, TableEncryptionChoice } from './stage-config.js';

/** A global secondary index of the table (string keys). */
export interface TableIndex {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface DataStackProps extends StackProps {
  readonly stage: string;
  readonly tableEncryption: TableEncryptionChoice;
  /** Create the place index (the lookup's fallback for postcodes missing from the directory). */
  readonly placeIndex: boolean;
  /** @default 'Esri' */
  readonly placeIndexDataSource?: PlaceIndexDataSource;
  /** Secondary indexes the store adapter queries. @default none */
  readonly indexes?: readonly TableIndex[];
}

/** The table's key attributes (functions/adapters/store/ reads and writes these names). */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * The blob bucket's name: derived, not exported, so the service stack grants on a literal ARN
 * pattern (and cdk-nag's acknowledgements can name it) rather than on a cross-stack reference.
 */
export function blobBucketName(stage: string): string {
  return `catchments-${stage}-blobs-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export interface PlaceIndexRef {
  readonly name: string;
  readonly arn: string;
}

export class CatchmentsDataStack extends Stack {
  readonly table: dynamodb.Table;
  /**
   * Immutable blob parts (version content, the national routing and directory) under keys that are
   * never reused: many containers read them in parallel at S3's bandwidth, where one table partition
   * would serve 1 MB pages one after another (docs/storage.md). The table stays the commit point.
   */
  readonly blobs: s3.Bucket;
  readonly tableKey: kms.Key | undefined;
  readonly placeIndex: PlaceIndexRef | undefined;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    if (props.tableEncryption === 'customer-managed') {
      this.tableKey = new kms.Key(this, 'TableKey', {
        description: `family-hub-catchments ${props.stage} table encryption`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `catchments-${props.stage}`,
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: this.tableKey
        ? dynamodb.TableEncryption.CUSTOMER_MANAGED
        : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: this.tableKey,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.blobs = new s3.Bucket(this, 'Blobs', {
      bucketName: blobBucketName(props.stage),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Keys are never overwritten; versioning keeps a deleted object recoverable for 30 days.
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(2),
        },
        // Presigned uploads of the national directory: removed once ingested, expired if never.
        { prefix: 'uploads/', expiration: Duration.days(2) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.blobs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the service roles and presigned URLs they issue reach the bucket; CloudTrail data events can be enabled per account where access logs are required.',
    });
    for (const index of props.indexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: index.sortKey ? { name: index.sortKey, type: dynamodb.AttributeType.STRING } : undefined,
      });
    }

    if (props.placeIndex) {
      const index = new location.CfnPlaceIndex(this, 'PlaceIndex', {
        indexName: `catchments-${props.stage}`,
        dataSource: props.placeIndexDataSource ?? 'Esri',
        description: 'Postcode fallback for family-hub-catchments lookups',
        pricingPlan: 'RequestBasedUsage',
        // Results are used to answer one request and not stored.
        dataSourceConfiguration: { intendedUse: 'SingleUse' },
      });
      this.placeIndex = { name: index.indexName, arn: index.attrIndexArn };
    }
  }
}
