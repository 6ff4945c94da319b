import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import * as customersRepository from '../data/customers-repository.js';
import { CustomerId, CustomerQuery, queriedIdentifier } from '../domain/customers/api.js';
import { NotFoundError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/validation.js';
import { actorFrom } from '../shared/access.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { readCustomer, survivingCustomer } from './customer-records.js';
import { erasePersonalData, exportPersonalData, viewOf, type PersonalDataDeps } from './personal-data.js';

export const customersDeps: PersonalDataDeps & Pick<typeof customersRepository, 'findIdentityOwner'> = {
  ...customersRepository,
  newId: ulid,
  now: () => new Date(),
};

type Deps = typeof customersDeps;
type Operation = (event: APIGatewayProxyEventV2, deps: Deps) => Promise<HttpResponse>;

const customerIdOf = (event: APIGatewayProxyEventV2) =>
  parseOrThrow(CustomerId, pathParameter(event, 'customerId'), 'customerId', 'customerId');

/**
 * The customer across channels and their personal data on request (docs/privacy.md): find a
 * customer by email or phone, read one, export everything held about them, erase it.
 */
const operations: Record<string, Operation> = {
  'GET /v1/customers': async (event, deps) => {
    const query = parseOrThrow(CustomerQuery, event.queryStringParameters ?? {}, 'query');
    const owner = await deps.findIdentityOwner(queriedIdentifier(query));
    const customerId = owner && (await survivingCustomer(deps, owner));
    const records = customerId ? await readCustomer(deps, customerId) : undefined;
    return json(200, { customers: records ? [viewOf(records)] : [] });
  },
  'GET /v1/customers/{customerId}': async (event, deps) => {
    const customerId = customerIdOf(event);
    const records = await readCustomer(deps, customerId);
    if (!records) throw new NotFoundError(`There is no customer "${customerId}".`);
    return json(200, viewOf(records));
  },
  'POST /v1/customers/{customerId}/export': async (event, deps) =>
    json(200, await exportPersonalData(deps, customerIdOf(event))),
  'POST /v1/customers/{customerId}/erase': async (event, deps) =>
    json(200, await erasePersonalData(deps, customerIdOf(event), actorFrom(event))),
};

export async function customersApi(
  event: APIGatewayProxyEventV2,
  deps: Deps = customersDeps,
): Promise<HttpResponse> {
  try {
    const operation = operations[event.routeKey];
    if (!operation) throw new NotFoundError(`No customer operation for ${event.routeKey}.`);
    return await operation(event, deps);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess((event) => customersApi(event));
