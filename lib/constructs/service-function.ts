// One API Lambda: bundled with esbuild from a handler file, Node.js 22 on arm64, its own log group
// with a retention, its own role holding only what it is granted (no AWS managed policies), and
// structured JSON logs. Grants and environment variables are bound together by the stack.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteGroup } from '../../functions/http/routes.js';
import { ESBUILD_TARGET, ESM_BANNER, EXTERNAL_MODULES, MAIN_FIELDS } from '../bundle-options.js';

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;

export interface ServiceFunctionProps {
  readonly group: RouteGroup;
  /** Absolute path of the handler file (it exports `handler`). */
  readonly entry: string;
  /** Folder holding package-lock.json and node_modules. */
  readonly projectRoot: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
  /** Reserved concurrency; undefined = the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly description: string;
}

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly group: RouteGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.group = props.group;
    // Kept after a teardown until the retention expires: the request log is the audit trail.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description}: logs to its own group, plus what the stack grants`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      // Platform lines (START/REPORT) as JSON too; the app writes its own JSON lines with the
      // request id, and filters by its LOG_LEVEL.
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment },
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrency,
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: false,
        mainFields: [...MAIN_FIELDS],
        banner: ESM_BANNER,
        externalModules: [...EXTERNAL_MODULES],
        forceDockerBundling: false,
      },
    });

    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; CDK adds them only when tracing is on.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The service targets Node.js 22 (bundles are built for node22 and measured there); moving to a newer runtime is a deliberate, tested change in lib/constructs/service-function.ts.',
    });
  }
}
