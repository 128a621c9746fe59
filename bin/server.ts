// `npm start`: the lookup API on http://127.0.0.1:3000 (PORT, HOST) with no AWS account. Boundary
// sets live in the embedded store (CATCHMENTS_STORE_DIR, default .local-store/), seeded on first
// start with the sample area in data/ (or CATCHMENTS_DATA_DIR). With CATCHMENTS_ADMIN_TOKEN set,
// the admin API (drafts, publish, rollback) is on too.
import { ConfigError, loadConfig } from '../functions/config.js';
import { startLocalApp, startupProblem } from '../functions/local-app.js';

try {
  const config = loadConfig();
  const started = performance.now();
  const app = await startLocalApp(config);
  const catalog = app.catalog;
  const served = catalog?.areaVersions ?? [];
  const areas =
    served.length === 0
      ? 'nothing published yet'
      : served.length <= 4
        ? served.map((a) => `${a.id} v${a.version}`).join(', ')
        : `${served.length} areas`;
  console.log(
    [
      `family-hub-catchments listening on ${app.url}  (${areas}; ${catalog?.postcodeCount ?? 0} postcodes; ready in ${Math.round(performance.now() - started)} ms)`,
      `  store: ${app.storeDescription}${app.seeded.length > 0 ? ` (seeded ${app.seeded.join(', ')})` : ''}`,
      `  admin API: ${app.admin ? `on at ${app.url}/v1/admin/ (Authorization: Bearer $CATCHMENTS_ADMIN_TOKEN)` : 'off (set CATCHMENTS_ADMIN_TOKEN to turn it on)'}`,
      `  try: curl ${app.url}/v1/postcodes/GL1%201AD`,
      `       curl '${app.url}/v1/locations?lat=51.8998&lng=-2.0789'`,
      `       curl ${app.url}/openapi.json`,
      `  pages: ${app.url}/ (find your family hub)${app.admin ? `, ${app.url}/planner (planner's map)` : ''}`,
    ].join('\n'),
  );
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  const problem = startupProblem(error);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  throw error;
}
