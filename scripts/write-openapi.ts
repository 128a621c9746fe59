// Writes docs/openapi.json from the code, and the typed client's types generated from it
// (clients/typescript/src/schema.d.ts, openapi-typescript): `npm run openapi`. A test fails when
// either committed copy drifts from what the service serves.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../functions/http/openapi.js';
import { clientTypes } from './lib/client-types.js';

const document = buildOpenApiDocument();
const docs = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(docs, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${docs}`);
const types = fileURLToPath(new URL('../clients/typescript/src/schema.d.ts', import.meta.url));
writeFileSync(types, await clientTypes(document));
console.log(`wrote ${types}`);
