// The web stack's template: a private bucket read only through CloudFront's origin access control,
// an HTTPS-only distribution with the security headers (CSP frame-ancestors from the branding),
// /v1/* (and the API's own root routes) to the API Gateway stage, /find to the no-JavaScript
// answer Lambda behind its own OAC, the pages deployed from the build, and a custom domain only
// with its certificate.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadBranding } from '../../functions/config.js';
import { ANSWER_PATHS, API_PATHS, PAGE_REWRITES } from '../../lib/constructs/web-hosting.js';
import { WebSettingsError, webSettingsFromContext } from '../../lib/web-stack.js';
import { buildApp, resourcesOf } from './fixture.js';

const basic = buildApp();
const framed = buildApp({
  branding: {
    ...loadBranding(),
    frameAncestors: ['https://www.testshire.gov.uk', 'https://*.testshire.gov.uk'],
  },
  context: {
    webDomain: 'familyhubs.testshire.gov.uk',
    webCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
  },
});

type Json = Record<string, unknown>;
const distributionOf = (t: typeof basic.web) =>
  Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as Json;
const behaviours = (config: Json) =>
  [config.DefaultCacheBehavior as Json, ...((config.CacheBehaviors as Json[]) ?? [])] as Json[];
const originById = (config: Json, id: unknown) => (config.Origins as Json[]).find((o) => o.Id === id)!;
const headerPolicies = (t: typeof basic.web) =>
  Object.values(resourcesOf(t, 'AWS::CloudFront::ResponseHeadersPolicy')).map(
    (p) => p.Properties.ResponseHeadersPolicyConfig as Json,
  );

describe('web stack', () => {
  it('keeps the site bucket private: public access blocked, TLS enforced, read only by this distribution', () => {
    const buckets = resourcesOf(basic.web, 'AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBe(2); // the site and its access logs
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
    const statements = Object.values(resourcesOf(basic.web, 'AWS::S3::BucketPolicy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement,
    );
    // Every Allow names a service principal with a source condition: never "*" or an account-wide grant.
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"|AWS/);
    const cloudfrontRead = allows.find((s) =>
      JSON.stringify(s.Principal).includes('cloudfront.amazonaws.com'),
    )!;
    expect(cloudfrontRead.Action).toBe('s3:GetObject');
    expect(JSON.stringify(cloudfrontRead.Condition)).toContain('AWS:SourceArn');
    // Plain HTTP to the bucket is denied.
    expect(
      statements.some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'),
      ),
    ).toBe(true);
  });

  it('reads the bucket and the answer Lambda through origin access control, signing every request', () => {
    const controls = Object.values(resourcesOf(basic.web, 'AWS::CloudFront::OriginAccessControl')).map(
      (c) => c.Properties.OriginAccessControlConfig as Json,
    );
    expect(controls.map((c) => c.OriginAccessControlOriginType).sort()).toEqual(['lambda', 's3']);
    for (const c of controls) {
      expect(c.SigningBehavior).toBe('always');
      expect(c.SigningProtocol).toBe('sigv4');
    }
    const config = distributionOf(basic.web);
    const s3Origin = originById(config, (config.DefaultCacheBehavior as Json).TargetOriginId);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect((s3Origin.S3OriginConfig as Json).OriginAccessIdentity).toBe('');
    // The function URL takes IAM-signed calls only, and CloudFront may invoke it.
    basic.web.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    basic.web.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: 'cloudfront.amazonaws.com',
    });
  });

  it('serves HTTPS only: every behaviour redirects HTTP, and the API and Lambda origins are reached over HTTPS', () => {
    const config = distributionOf(basic.web);
    for (const b of behaviours(config))
      expect(b.ViewerProtocolPolicy, String(b.PathPattern)).toBe('redirect-to-https');
    for (const origin of config.Origins as Json[]) {
      if (origin.CustomOriginConfig)
        expect((origin.CustomOriginConfig as Json).OriginProtocolPolicy, String(origin.Id)).toBe(
          'https-only',
        );
    }
    expect(config.HttpVersion).toBe('http2and3');
    expect(config.Logging).toBeDefined();
  });

  it('routes /v1/* and the API’s own root routes to the API Gateway stage, and /find to the answer Lambda', () => {
    const config = distributionOf(basic.web);
    const byPath = new Map(behaviours(config).map((b) => [b.PathPattern ?? '(default)', b]));
    const apiOriginIds = new Set<unknown>();
    for (const path of API_PATHS) {
      const b = byPath.get(path);
      expect(b, path).toBeDefined();
      apiOriginIds.add(b!.TargetOriginId);
      expect(b!.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
      expect(b!.Compress).toBe(true);
    }
    expect(apiOriginIds.size).toBe(1);
    const apiOrigin = originById(config, [...apiOriginIds][0]);
    // The stage's execute-api host, with the stage as the origin path.
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('execute-api');
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(
      basic.stacks.service.getLogicalId(basic.stacks.service.api.api.node.defaultChild as never),
    );
    // …and the stage (a reference to the deployed stage) as the origin path.
    expect(JSON.stringify(apiOrigin.OriginPath)).toMatch(/^\{"Fn::Join":\["",\["\/",\{"Fn::Select":\[3,/);
    for (const path of ANSWER_PATHS) {
      const b = byPath.get(path)!;
      const origin = originById(config, b.TargetOriginId);
      expect(JSON.stringify(origin.DomainName), path).toContain('FunctionUrl');
      expect(b.AllowedMethods).toEqual(['GET', 'HEAD']);
    }
    // Pages, the widget and the basemap come from the bucket; pretty paths are rewritten to files.
    for (const path of ['(default)', '/widget.js', '/tiles/*'])
      expect(originById(config, byPath.get(path)!.TargetOriginId).S3OriginConfig, path).toBeDefined();
    const fn = Object.values(resourcesOf(basic.web, 'AWS::CloudFront::Function'))[0]!;
    for (const [from, to] of Object.entries(PAGE_REWRITES)) {
      expect(fn.Properties.FunctionCode).toContain(`"${from}":"${to}"`);
    }
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('sends the security headers: CSP with frame-ancestors this site only by default, HSTS, nosniff, referrer policy', () => {
    const pages = headerPolicies(basic.web).find((p) => !p.CorsConfig)!;
    const security = pages.SecurityHeadersConfig as Record<string, Json>;
    const csp = String(security.ContentSecurityPolicy!.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/frame-ancestors 'self'(;|$)/);
    expect(csp).not.toMatch(/\*|unsafe-inline|https:(?!\/)/);
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63_072_000,
      Override: true,
    });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'same-origin' });
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'SAMEORIGIN' });
    // The widget script may be loaded by other sites (CORS), with the same security headers.
    const widget = headerPolicies(basic.web).find((p) => p.CorsConfig)!;
    expect((widget.CorsConfig as Json).AccessControlAllowOrigins).toEqual({ Items: ['*'] });
    expect((widget.SecurityHeadersConfig as Json).ContentSecurityPolicy).toEqual(
      security.ContentSecurityPolicy,
    );
    // Every page behaviour carries the policy.
    const config = distributionOf(basic.web);
    const policyIds = behaviours(config)
      .filter((b) => !API_PATHS.includes(b.PathPattern as never))
      .map((b) => b.ResponseHeadersPolicyId);
    expect(policyIds.every(Boolean)).toBe(true);
  });

  it('lets the branding’s sites frame the page (never "*"), and uses a custom domain with TLS 1.2 when given one', () => {
    const pages = headerPolicies(framed.web).find((p) => !p.CorsConfig)!;
    const security = pages.SecurityHeadersConfig as Record<string, Json>;
    expect(String(security.ContentSecurityPolicy!.ContentSecurityPolicy)).toContain(
      "frame-ancestors 'self' https://www.testshire.gov.uk https://*.testshire.gov.uk",
    );
    // X-Frame-Options cannot name other sites: it is left out when CSP allows them.
    expect(security.FrameOptions).toBeUndefined();
    const config = distributionOf(framed.web);
    expect(config.Aliases).toEqual(['familyhubs.testshire.gov.uk']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn:
        'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(distributionOf(basic.web).Aliases).toBeUndefined();
  });

  it('deploys the build: hashed assets kept for a year, pages revalidated, the cache invalidated', () => {
    const deployments = Object.values(resourcesOf(basic.web, 'Custom::CDKBucketDeployment')).map(
      (d) => d.Properties,
    );
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.Prune === false)!;
    const pages = deployments.find((d) => d.Prune !== false)!;
    expect(assets.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
    expect(assets.Include).toEqual(['assets/*', 'vendor/*']);
    expect(pages.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(pages.Include).toEqual(['assets/config.json']);
    expect(pages.DistributionPaths).toContain('/index.html');
  });

  it('runs the answer Lambda on Node.js 22 arm64, reading the table only', () => {
    basic.web.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ CATCHMENTS_TABLE_NAME: Match.anyValue() }) },
    });
    const actions = Object.values(resourcesOf(basic.web, 'AWS::IAM::Policy'))
      .flatMap(
        (p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
      .filter((a) => a.startsWith('dynamodb:'));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => /Put|Update|Delete|BatchWrite/.test(a))).toEqual([]);
  });

  it('refuses a custom domain without its certificate, or a certificate outside us-east-1', () => {
    const context = (values: Record<string, string>) => (key: string) => values[key];
    expect(() => webSettingsFromContext(context({ webDomain: 'hubs.example.gov.uk' }))).toThrow(
      WebSettingsError,
    );
    expect(() =>
      webSettingsFromContext(
        context({
          webDomain: 'hubs.example.gov.uk',
          webCertificateArn:
            'arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
        }),
      ),
    ).toThrow(/us-east-1/);
    expect(webSettingsFromContext(context({})).domainNames).toEqual([]);
  });
});
