import { json, type HttpResponse } from '../shared/http.js';
import { withObservability } from '../shared/middleware.js';
import { openApiDocument } from './openapi-document.js';

const body = openApiDocument();

/** GET /openapi.json */
export async function getOpenApi(): Promise<HttpResponse> {
  return json(200, body, { 'cache-control': 'public, max-age=300' });
}

export const handler = withObservability(getOpenApi);
