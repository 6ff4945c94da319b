/** The parsed JSON body of a handler's response; tests read it as the API's callers would, without a schema. */
export function bodyOf(response: { body?: string }) {
  return JSON.parse(response.body ?? '{}');
}
