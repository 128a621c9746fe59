// Child process for the HTTP benchmark: the real local server on a free loopback port.
import { loadConfig } from '../../functions/config.js';
import { startLocalApp } from '../../functions/local-app.js';

const app = await startLocalApp(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' }));
process.stdout.write(`${app.url}\n`);
