import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../functions/api/openapi-document.js';

/** `npm run openapi`: regenerates docs/openapi.json from the zod schemas. */
const target = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
