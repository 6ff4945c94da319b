import document from '../../docs/openapi.json' with { type: 'json' };
import { json, type HttpResponse } from '../shared/http.js';
import { withObservability } from '../shared/middleware.js';

/**
 * The document is the prebuilt docs/openapi.json (`npm run openapi`), bundled as data: rendering
 * it from the zod schemas at run time would put zod's JSON-schema renderer and every schema in
 * this function's cold start. test/unit/api/openapi.test.ts keeps the file equal to the render.
 *
 * GET /openapi.json
 */
export async function getOpenApi(): Promise<HttpResponse> {
  return json(200, document, { 'cache-control': 'public, max-age=300' });
}

export const handler = withObservability(getOpenApi);
