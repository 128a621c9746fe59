// `npm start`: the lookup API on http://127.0.0.1:3000 (PORT, HOST), serving the sample area in
// data/ (or CATCHMENTS_DATA_DIR) with no AWS account.
import { ConfigError, loadConfig } from '../functions/config.js';
import { startLocalApp } from '../functions/local-app.js';

try {
  const config = loadConfig();
  const started = performance.now();
  const app = await startLocalApp(config);
  const areas = app.catalog.areas.map((a) => `${a.area.id} v${a.version}`).join(', ');
  console.log(
    [
      `family-hub-catchments listening on ${app.url}  (${areas}; ${app.catalog.postcodeCount} postcodes; ready in ${Math.round(performance.now() - started)} ms)`,
      `  try: curl ${app.url}/v1/postcodes/GL1%201AD`,
      `       curl '${app.url}/v1/locations?lat=51.8998&lng=-2.0789'`,
      `       curl ${app.url}/openapi.json`,
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
  throw error;
}
