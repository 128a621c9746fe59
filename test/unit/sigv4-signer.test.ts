import { describe, expect, it } from 'vitest';
import { createSigV4Signer, executeApiRegion } from '../../functions/adapters/sigv4-signer.js';

// The AWS Signature Version 4 test suite's example credentials and clock ("get-vanilla").
const example = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});
const clock = () => new Date('2015-08-30T12:36:00Z');

describe('SigV4 signer', () => {
  it("reproduces the AWS test suite's get-vanilla signature", async () => {
    const sign = createSigV4Signer({
      region: 'us-east-1',
      service: 'service',
      credentials: example,
      now: clock,
    });
    const headers = await sign({ method: 'GET', url: 'https://example.amazonaws.com/' });
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs execute-api calls with the session token, the query and the body', async () => {
    const credentials = async () => ({ ...(await example()), sessionToken: 'token-123' });
    const sign = createSigV4Signer({ region: 'eu-west-2', credentials, now: clock });
    const url =
      'https://abc123.execute-api.eu-west-2.amazonaws.com/prod/v1/admin/areas/gloucestershire/draft/layers/catchments?idProperty=hub_id';
    const request = {
      method: 'PUT',
      url,
      headers: { 'Content-Type': 'application/geo+json' },
      body: '{"type":"FeatureCollection","features":[]}',
    };
    const headers = await sign(request);
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-2\/execute-api\/aws4_request, /,
    );
    expect(headers.authorization).toMatch(/SignedHeaders=[a-z;-]*x-amz-security-token/);
    expect(headers['x-amz-security-token']).toBe('token-123');
    expect(headers['Content-Type']).toBe('application/geo+json');
    // The signature covers the body and the query: changing either changes it.
    const signature = (h: Record<string, string>) => h.authorization!.split('Signature=')[1];
    expect(signature(await sign({ ...request, body: '{}' }))).not.toBe(signature(headers));
    expect(signature(await sign({ ...request, url: url.replace('hub_id', 'id') }))).not.toBe(
      signature(headers),
    );
    expect(signature(await sign(request))).toBe(signature(headers));
  });

  it('reads the region from an API Gateway URL, and nothing from other hosts', () => {
    expect(executeApiRegion('https://abc123.execute-api.eu-west-2.amazonaws.com/prod')).toBe('eu-west-2');
    expect(executeApiRegion('https://x1.execute-api.us-gov-west-1.amazonaws.com/')).toBe('us-gov-west-1');
    expect(executeApiRegion('https://api.example.org/prod')).toBeUndefined();
    expect(executeApiRegion('http://127.0.0.1:3000')).toBeUndefined();
    expect(executeApiRegion('not a url')).toBeUndefined();
  });
});
