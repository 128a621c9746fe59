// The web pages on AWS: a private S3 bucket read only by CloudFront (origin access control), one
// HTTPS-only distribution in front of the pages, the API (/v1/*, /openapi.json, /health), the
// no-JavaScript answers (/find, /embed/find: a Lambda function URL) and the basemap (/tiles/*),
// so page and API share an origin; a response headers policy with the pages' CSP (frame-ancestors
// from the branding), HSTS, nosniff and a referrer policy; compression, and caching that follows
// what each origin says (hashed assets a year, pages revalidated, API answers their max-age).
import { Duration, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { pageContentSecurityPolicy } from '../../functions/http/static-files.js';

export interface WebHostingProps {
  /** The built site (web/dist, from scripts/build-web.ts). */
  readonly siteDir: string;
  readonly api: apigw.RestApi;
  /** The no-JavaScript answer pages' function URL. */
  readonly answerPages: lambda.IFunctionUrl;
  /** Origins allowed to frame the pages (branding frameAncestors); [] = this site only. */
  readonly frameAncestors: readonly string[];
  /** Origins the pages also fetch from (a configured API or tile server elsewhere). @default none */
  readonly connectOrigins?: readonly string[];
  /** A PMTiles basemap file uploaded to the bucket at `url` (a path such as /tiles/county.pmtiles). */
  readonly basemap?: { readonly file: string; readonly url: string };
  /** A custom domain: its names and an ACM certificate in us-east-1 covering them. @default the cloudfront.net name */
  readonly domain?: { readonly names: readonly string[]; readonly certificateArn: string };
}

/** Pretty page paths to their files: a CloudFront Function on viewer requests to the bucket. */
export const PAGE_REWRITES: Readonly<Record<string, string>> = {
  '/': '/index.html',
  '/embed': '/embed.html',
  '/planner': '/planner.html',
};

/** Paths CloudFront sends to the API Gateway stage (the API's own routes outside /v1 too). */
export const API_PATHS = ['/v1/*', '/openapi.json', '/health'] as const;
/** Paths answered by the no-JavaScript answer page Lambda. */
export const ANSWER_PATHS = ['/find', '/embed/find'] as const;

export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly logs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly pagesHeaders: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    // Access logs of the bucket and the distribution (CloudFront's standard logs need ACLs on).
    this.logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const security = (name: string, cors: boolean) =>
      new cloudfront.ResponseHeadersPolicy(this, name, {
        comment: `family hub pages: security headers${cors ? ' and CORS for the widget script' : ''}`,
        securityHeadersBehavior: {
          contentSecurityPolicy: {
            contentSecurityPolicy: pageContentSecurityPolicy({
              frameAncestors: props.frameAncestors,
              connectOrigins: props.connectOrigins ?? [],
            }),
            override: true,
          },
          contentTypeOptions: { override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override: true },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(730),
            includeSubdomains: true,
            override: true,
          },
          // CSP frame-ancestors decides framing; X-Frame-Options can only say "this site", so it is
          // sent only when no other site may frame the page.
          ...(props.frameAncestors.length === 0
            ? { frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override: true } }
            : {}),
        },
        customHeadersBehavior: {
          customHeaders: [
            {
              header: 'Permissions-Policy',
              value: 'camera=(), microphone=(), geolocation=(self)',
              override: true,
            },
          ],
        },
        ...(cors
          ? {
              corsBehavior: {
                accessControlAllowCredentials: false,
                accessControlAllowHeaders: ['*'],
                accessControlAllowMethods: ['GET', 'HEAD'],
                accessControlAllowOrigins: ['*'],
                originOverride: true,
              },
            }
          : {}),
      });
    this.pagesHeaders = security('PageHeaders', false);
    const widgetHeaders = security('WidgetHeaders', true);

    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const rewrite = new cloudfront.Function(this, 'PagePaths', {
      comment: 'Pretty page paths (/, /embed, /planner) to their files in the bucket',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `var PAGES = ${JSON.stringify(PAGE_REWRITES)};\n` +
          'function handler(event) { var r = event.request; var to = PAGES[r.uri]; if (to) r.uri = to; return r; }',
      ),
    });
    // API answers carry their own Cache-Control (max-age with an ETag, or no-store): honoured, with
    // every query string in the key (locations are lat/lng queries); nothing cached by default.
    const apiCache = new cloudfront.CachePolicy(this, 'ApiCache', {
      comment: 'family hub API: as the API says (Cache-Control), every query string in the key',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const answerCache = new cloudfront.CachePolicy(this, 'AnswerCache', {
      comment: 'no-JavaScript answers: by postcode, as long as the answer page says (max-age)',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.hours(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('postcode'),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const https = cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS;
    const apiBehaviour: cloudfront.BehaviorOptions = {
      origin: new origins.RestApiOrigin(props.api),
      viewerProtocolPolicy: https,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: apiCache,
      // API Gateway needs its own Host header; everything else the caller sent goes through.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };
    const answerBehaviour: cloudfront.BehaviorOptions = {
      origin: origins.FunctionUrlOrigin.withOriginAccessControl(props.answerPages),
      viewerProtocolPolicy: https,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: answerCache,
      responseHeadersPolicy: this.pagesHeaders,
      compress: true,
    };
    const staticBehaviour = (headers: cloudfront.IResponseHeadersPolicy): cloudfront.BehaviorOptions => ({
      origin: siteOrigin,
      viewerProtocolPolicy: https,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: headers,
      compress: true,
    });
    const certificate = props.domain
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn)
      : undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'family hub pages, API and no-JavaScript answers on one origin',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        ...staticBehaviour(this.pagesHeaders),
        functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        ...Object.fromEntries(API_PATHS.map((p) => [p, apiBehaviour])),
        ...Object.fromEntries(ANSWER_PATHS.map((p) => [p, answerBehaviour])),
        '/widget.js': staticBehaviour(widgetHeaders),
        '/tiles/*': staticBehaviour(this.pagesHeaders),
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // TLS 1.2+ with a custom domain's certificate (the default certificate's policy is CloudFront's).
      ...(props.domain ? { minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 } : {}),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain && certificate ? { domainNames: [...props.domain.names], certificate } : {}),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: families, carers and professionals may look a postcode up from anywhere, abroad included.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'WAF is opt-in on the API stage (context waf=true) because a web ACL has a fixed monthly cost; the pages are static files and the API behind /v1/* keeps its stage throttle.',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy it fixes; with webDomain and webCertificateArn set the distribution requires TLSv1.2_2021 (docs/deploy.md).',
      });
    }

    // Hashed assets first (kept across releases, so a page still cached somewhere finds its files),
    // then the pages, config and widget (revalidated on each visit) and a cache invalidation.
    const site = deploy.Source.asset(props.siteDir);
    const assets = new deploy.BucketDeployment(this, 'Assets', {
      sources: [site],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*', 'vendor/*'],
      prune: false,
      cacheControl: [deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const pages = new deploy.BucketDeployment(this, 'Pages', {
      sources: [site],
      destinationBucket: this.bucket,
      exclude: ['assets/*', 'vendor/*', 'tiles/*'],
      include: ['assets/config.json'],
      prune: true,
      cacheControl: [deploy.CacheControl.fromString('no-cache')],
      distribution: this.distribution,
      distributionPaths: [
        '/',
        '/index.html',
        '/embed.html',
        '/planner.html',
        '/widget.js',
        '/assets/config.json',
      ],
    });
    pages.node.addDependency(assets);
    acknowledgeDeploymentProvider(this, this.bucket);
    if (props.basemap) {
      const file = props.basemap.file;
      const name = file.split('/').pop()!;
      new deploy.BucketDeployment(this, 'Basemap', {
        sources: [
          deploy.Source.asset(file.slice(0, file.length - name.length - 1), { exclude: ['*', `!${name}`] }),
        ],
        destinationBucket: this.bucket,
        destinationKeyPrefix: props.basemap.url.slice(1, props.basemap.url.length - name.length - 1),
        prune: false,
        cacheControl: [deploy.CacheControl.fromString('public, max-age=86400')],
        // A regional extract is tens to hundreds of MB: room to copy it.
        memoryLimit: 1024,
        ephemeralStorageSize: Size.gibibytes(2),
      });
    }
  }
}

/**
 * BucketDeployment copies with a provider Lambda that CDK creates once per stack (and memory size):
 * its role, policy and runtime are CDK's, not ours. What cdk-nag finds there, and why it is fine.
 */
function acknowledgeDeploymentProvider(scope: Construct, site: s3.Bucket): void {
  const stack = Stack.of(scope);
  const siteId = stack.getLogicalId(site.node.defaultChild as s3.CfnBucket);
  // As cdk-nag writes them: a pseudo parameter where the stack is environment-agnostic.
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const reasons: Record<string, string> = {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      "CDK's BucketDeployment provider logs with the AWS managed basic execution policy; it runs only during deployments.",
    'AwsSolutions-IAM5[Action::s3:GetBucket*]':
      "CDK's BucketDeployment grant to read the CDK asset bucket: scoped to that bucket and the site bucket, used only while deploying.",
    'AwsSolutions-IAM5[Action::s3:GetObject*]':
      "CDK's BucketDeployment grant to read the site's asset zip from the CDK asset bucket, used only while deploying.",
    'AwsSolutions-IAM5[Action::s3:List*]':
      "CDK's BucketDeployment lists the asset and site buckets to sync them (aws s3 sync), used only while deploying.",
    'AwsSolutions-IAM5[Action::s3:Abort*]':
      "CDK's BucketDeployment write grant on the site bucket (multipart uploads), used only while deploying.",
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]':
      "CDK's BucketDeployment removes pages a release dropped (prune) from the site bucket only.",
    [`AwsSolutions-IAM5[Resource::<${siteId}.Arn>/*]`]:
      "CDK's BucketDeployment writes the site's files: every object of the site bucket, which holds nothing else.",
    [`AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`]:
      "CDK's BucketDeployment reads its source zip from the CDK bootstrap asset bucket (object names are content hashes).",
    'AwsSolutions-IAM5[Resource::*]':
      "CDK's BucketDeployment invalidates the distribution's cache after a release; cloudfront:CreateInvalidation takes no resource-level scoping here.",
    'AwsSolutions-L1': "CDK's BucketDeployment provider runtime is chosen by aws-cdk-lib and moves with it.",
  };
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    for (const [id, reason] of Object.entries(reasons)) Validations.of(child).acknowledge({ id, reason });
  }
}
