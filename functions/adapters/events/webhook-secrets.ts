// Webhook signing secrets on AWS: one Secrets Manager secret per endpoint, read once per container
// (a rotated secret reaches new containers; receivers accept two signatures while rotating).
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export class WebhookSecrets {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly client: Pick<SecretsManagerClient, 'send'>) {}

  get(arn: string): Promise<string> {
    let secret = this.cache.get(arn);
    if (!secret) {
      secret = this.client.send(new GetSecretValueCommand({ SecretId: arn })).then((r) => {
        if (!r.SecretString) throw new Error(`Secret ${arn} has no string value.`);
        return r.SecretString;
      });
      secret.catch(() => this.cache.delete(arn));
      this.cache.set(arn, secret);
    }
    return secret;
  }
}
