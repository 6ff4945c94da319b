import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type Attribute,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type KeyAttribute } from './tables.js';
import type { TableId } from './topology.js';

export interface StatefulProps {
  /**
   * Keep the tables when the stack is deleted and refuse to delete them by accident. True for
   * a retailer's real data; false only for throwaway evaluation stacks.
   */
  retainData: boolean;
}

/** The tables of lib/tables.ts, on-demand, encrypted with the AWS-managed key, with PITR. */
export class Stateful extends Construct {
  readonly tables: Record<TableId, Table>;

  constructor(scope: Construct, id: string, props: StatefulProps) {
    super(scope, id);
    this.tables = Object.fromEntries(
      TABLES.map((definition) => {
        const table = new Table(this, definition.id, {
          partitionKey: attributeOf(definition.partitionKey),
          ...(definition.sortKey && { sortKey: attributeOf(definition.sortKey) }),
          ...(definition.stream && { stream: StreamViewType[definition.stream] }),
          ...(definition.timeToLiveAttribute && { timeToLiveAttribute: definition.timeToLiveAttribute }),
          billingMode: BillingMode.PAY_PER_REQUEST,
          encryption: TableEncryption.AWS_MANAGED,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: props.retainData,
          removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });
        for (const index of definition.globalSecondaryIndexes ?? []) {
          table.addGlobalSecondaryIndex({
            indexName: index.indexName,
            partitionKey: attributeOf(index.partitionKey),
            ...(index.sortKey && { sortKey: attributeOf(index.sortKey) }),
            ...(index.projectedAttributes && {
              projectionType: ProjectionType.INCLUDE,
              nonKeyAttributes: [...index.projectedAttributes],
            }),
          });
        }
        return [definition.id, table];
      }),
    ) as Record<TableId, Table>;
  }
}

function attributeOf(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}
