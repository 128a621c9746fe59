// The no-JavaScript answer page's Lambda (functions/handlers/answer-page.ts) behind a function URL
// that only CloudFront may call (IAM auth, signed by the distribution's origin access control).
// Bundled like the API functions (local esbuild, ESM, Node.js 22 on arm64, no Docker); the built,
// branded page shells (index.html, embed.html) are copied into the bundle's pages/ folder, so the
// answers are written into exactly the page CloudFront serves.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESBUILD_TARGET, ESM_BANNER, EXTERNAL_MODULES, MAIN_FIELDS } from '../bundle-options.js';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './service-function.js';

export interface AnswerPageFunctionProps {
  /** functions/handlers/answer-page.ts (absolute). */
  readonly entry: string;
  /** Folder holding package-lock.json and node_modules. */
  readonly projectRoot: string;
  /** The built site (web/dist): its index.html and embed.html go into the bundle. */
  readonly siteDir: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  /** A full vCPU builds the catalog at cold start as fast as the lookup function does. @default 1769 */
  readonly memoryMb?: number;
  readonly description: string;
}

export class AnswerPageFunction extends Construct {
  readonly function: NodejsFunction;
  readonly url: lambda.FunctionUrl;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AnswerPageFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description}: logs to its own group, plus what the stack grants`,
    });
    logGroup.grantWrite(this.role);
    const pages = ['index.html', 'embed.html'].map((p) => `"${props.siteDir}/${p}"`).join(' ');
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memoryMb ?? 1769,
      timeout: Duration.seconds(10),
      description: props.description,
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: false,
        mainFields: [...MAIN_FIELDS],
        banner: ESM_BANNER,
        externalModules: [...EXTERNAL_MODULES],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            `mkdir -p "${output}/pages"`,
            `cp ${pages} "${output}/pages/"`,
          ],
        },
      },
    });
    // Only CloudFront calls it: IAM auth, with the distribution's OAC signing each request.
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The service targets Node.js 22 like the API functions (lib/constructs/service-function.ts); moving to a newer runtime is a deliberate, tested change for all of them.',
    });
  }
}
