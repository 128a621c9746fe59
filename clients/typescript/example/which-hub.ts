// The README example, compiled by `npm run typecheck` so it cannot go stale.
import { createCatchmentsClient } from '../src/index.ts';

export async function whichHub(baseUrl: string, postcode: string, referral: string): Promise<string> {
  const api = createCatchmentsClient(baseUrl);
  const { data, error } = await api.GET('/v1/postcodes/{postcode}', {
    params: { path: { postcode }, query: { at: referral } },
  });
  if (error) return `${error.title}: ${error.detail}`; // a problem+json answer, typed
  return `${data.postcode} was served by ${data.hub?.name ?? 'no hub'} (version ${data.version}, historical: ${data.asOf?.historical})`;
}
