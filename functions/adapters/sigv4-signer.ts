// AWS Signature Version 4 for calls to the deployed admin API, whose routes sit behind API
// Gateway's IAM authorizer: the CLI signs each request with the caller's AWS credentials (the
// standard chain: environment, SSO or profile, container or instance role). Signing is the AWS
// SDK's own implementation (@smithy/signature-v4) with Node's crypto; only the glue lives here.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type CredentialSource = () => Promise<AwsCredentials>;

export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface SigV4SignerOptions {
  readonly region: string;
  /** @default 'execute-api' (API Gateway) */
  readonly service?: string;
  readonly credentials: CredentialSource;
  /** @default the current time */
  readonly now?: () => Date;
}

/** Returns the request's headers plus the signature headers (authorization, x-amz-date, ...). */
export type RequestSigner = (request: RequestToSign) => Promise<Record<string, string>>;

/** SHA-256 (or HMAC-SHA-256 with a secret) in the shape the SDK's signer expects. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export function createSigV4Signer(options: SigV4SignerOptions): RequestSigner {
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
    // API Gateway hashes the payload into the canonical request; no extra checksum header.
    applyChecksum: false,
  });
  return async (request) => {
    const url = new URL(request.url);
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] =
        existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const signed = await signer.sign(
      {
        method: request.method.toUpperCase(),
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers: { ...request.headers, host: url.host },
        body: request.body,
      },
      { signingDate: options.now?.() ?? new Date() },
    );
    return { ...(signed.headers as Record<string, string>) };
  };
}

/** The region of an API Gateway URL (`https://<id>.execute-api.<region>.amazonaws.com/...`). */
export function executeApiRegion(url: string): string | undefined {
  const host = (() => {
    try {
      return new URL(url).hostname;
    } catch {
      return '';
    }
  })();
  return /^[a-z0-9]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/.exec(host)?.[1];
}

/**
 * The standard AWS credential chain (environment, SSO or shared profile, web identity, container
 * or instance role), loaded only when a signed call is made.
 */
export async function defaultCredentialSource(profile?: string): Promise<CredentialSource> {
  // Installed with every @aws-sdk client (see the report: declare it in package.json).
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider(profile ? { profile } : {});
}
