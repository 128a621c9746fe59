// The web stack: the pages (web/dist, built with the council's branding), the no-JavaScript answer
// Lambda and one CloudFront distribution in front of them and the API, so a council's web team
// deploys the whole "find your family hub" site with the rest (`npx cdk deploy --all`). Stateless:
// the bucket holds only what the build makes (and the basemap file), redeployable at any time.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { Branding } from '../functions/config.js';
import { AnswerPageFunction } from './constructs/answer-page-function.js';
import { WebHosting } from './constructs/web-hosting.js';
import { FUNCTION_ENV } from './service-stack.js';
import type { StageConfig } from './stage-config.js';

/** The web settings from CDK context (beside lib/stage-config.ts's): docs/deploy.md lists them. */
export interface WebSettings {
  /** `branding`: the branding file (default web/branding/default.json). */
  readonly brandingFile: string | undefined;
  /** `webDomain`: the site's names, comma-separated (e.g. `familyhubs.example.gov.uk`). */
  readonly domainNames: readonly string[];
  /** `webCertificateArn`: an ACM certificate in us-east-1 covering `webDomain`. */
  readonly certificateArn: string | undefined;
}

export class WebSettingsError extends Error {
  override readonly name = 'WebSettingsError';
}

export function webSettingsFromContext(read: (key: string) => unknown): WebSettings {
  const text = (key: string) => {
    const value = read(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string')
      throw new WebSettingsError(`Context "${key}" must be a string, got ${JSON.stringify(value)}.`);
    return value.trim();
  };
  const domainNames = (text('webDomain') ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  for (const name of domainNames) {
    if (!/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(name))
      throw new WebSettingsError(
        `webDomain has "${name}": give host names such as familyhubs.example.gov.uk.`,
      );
  }
  const certificateArn = text('webCertificateArn');
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(certificateArn))
    throw new WebSettingsError(
      `webCertificateArn=${certificateArn} must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there).`,
    );
  if (domainNames.length > 0 !== Boolean(certificateArn))
    throw new WebSettingsError(
      'Set webDomain and webCertificateArn together (a custom domain needs its certificate).',
    );
  return { brandingFile: text('branding'), domainNames, certificateArn };
}

export interface WebStackProps extends StackProps {
  readonly config: StageConfig;
  readonly settings: WebSettings;
  /** The branding the site was built with (functions/config.ts loadBranding). */
  readonly branding: Branding;
  /** The built site (web/dist). */
  readonly siteDir: string;
  readonly projectRoot: string;
  readonly api: apigw.RestApi;
  readonly table: dynamodb.ITable;
  /** Seconds answers may be cached (as the API's). @default 60 */
  readonly cacheSeconds?: number;
}

export class CatchmentsWebStack extends Stack {
  readonly hosting: WebHosting;
  readonly answers: AnswerPageFunction;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config, branding, settings } = props;
    const environment: Record<string, string> = {
      [FUNCTION_ENV.logLevel]: config.logLevel,
      [FUNCTION_ENV.tableName]: props.table.tableName,
      [FUNCTION_ENV.refreshSeconds]: String(config.refreshSeconds),
      CATCHMENTS_CACHE_SECONDS: String(props.cacheSeconds ?? 60),
    };
    if (config.areas.length > 0) environment[FUNCTION_ENV.areas] = config.areas.join(',');
    this.answers = new AnswerPageFunction(this, 'AnswerPages', {
      entry: `${props.projectRoot}/functions/handlers/answer-page.ts`,
      projectRoot: props.projectRoot,
      siteDir: props.siteDir,
      environment,
      logRetentionDays: config.logRetentionDays,
      description: `family-hub-catchments no-JavaScript answer pages (${config.stage})`,
    });
    props.table.grantReadData(this.answers.role);

    const basemap = branding.basemap;
    if (basemap?.file && !basemap.url.endsWith(`/${basemap.file.split('/').pop()}`))
      throw new WebSettingsError(
        `The basemap's url (${basemap.url}) must end with its file's name to be uploaded there.`,
      );
    this.hosting = new WebHosting(this, 'Site', {
      siteDir: props.siteDir,
      api: props.api,
      answerPages: this.answers.url,
      frameAncestors: branding.frameAncestors,
      ...(basemap?.file ? { basemap: { file: basemap.file, url: basemap.url } } : {}),
      ...(settings.certificateArn
        ? { domain: { names: settings.domainNames, certificateArn: settings.certificateArn } }
        : {}),
    });
    new CfnOutput(this, 'SiteUrl', {
      value: `https://${settings.domainNames[0] ?? this.hosting.distribution.distributionDomainName}/`,
      description: 'The "find your family hub" page (and the API under /v1/ on the same origin)',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.hosting.distribution.distributionDomainName,
      description: 'Point the custom domain here (a CNAME, or an alias record in Route 53)',
    });
    new CfnOutput(this, 'WidgetScript', {
      value: `https://${settings.domainNames[0] ?? this.hosting.distribution.distributionDomainName}/widget.js`,
    });
  }
}
