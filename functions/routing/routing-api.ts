import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getOrder } from '../data/orders-repository.js';
import { listLocations } from '../data/config-repository.js';
import { getStockItems, getStockLevels } from '../data/inventory-repository.js';
import { getHotShards } from '../data/products-repository.js';
import { getProducts } from '../data/routing-repository.js';
import * as rules from '../data/rules-repository.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { parseRuleSet } from '../domain/routing/index.js';
import { parseJson, parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, rawBodyOf, type HttpResponse } from '../shared/http.js';
import { actorFrom } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';
import { SimulationRequest } from '../domain/routing/simulation.js';
import { simulateRouting } from './simulate-routing.js';

type Operation = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const versionOf = (event: APIGatewayProxyEventV2) => {
  const version = Number(event.pathParameters?.version);
  if (!Number.isInteger(version) || version < 1) {
    throw new ValidationError('The version must be a positive whole number.', [
      { path: 'version', message: 'must be a positive whole number' },
    ]);
  }
  return version;
};
const now = () => new Date().toISOString();

/** The routing API: rule sets (versioned, validated, activated) and simulation. */
const operations: Record<string, Operation> = {
  'GET /v1/routing/rule-sets/active': async () => {
    const pointer = await rules.getActiveRuleSetPointer();
    const ruleSet = await rules.getActiveRuleSet();
    return json(200, {
      ruleSet,
      activatedAt: pointer?.activatedAt ?? null,
      activatedBy: pointer?.activatedBy ?? null,
      builtIn: !pointer,
    });
  },
  'POST /v1/routing/rule-sets': async (event) => {
    const { ruleSet, created } = await rules.putRuleSet(parseJson(rawBodyOf(event)), actorFrom(event), now());
    const location = `/v1/routing/rule-sets/${ruleSet.ruleSetId}/versions/${ruleSet.version}`;
    return json(created ? 201 : 200, { ruleSet }, { location });
  },
  'POST /v1/routing/rule-sets/validate': async (event) =>
    json(200, { valid: true, ruleSet: parseRuleSet(parseJson(rawBodyOf(event))) }),
  'GET /v1/routing/rule-sets/{ruleSetId}/versions/{version}': async (event) => {
    const ruleSetId = event.pathParameters?.ruleSetId ?? '';
    const ruleSet = await rules.getRuleSet(ruleSetId, versionOf(event));
    if (!ruleSet) throw new NotFoundError(`There is no rule set ${ruleSetId} v${versionOf(event)}.`);
    return json(200, { ruleSet });
  },
  'POST /v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate': async (event) => {
    const ruleSetId = event.pathParameters?.ruleSetId ?? '';
    await rules.activateRuleSet(ruleSetId, versionOf(event), actorFrom(event), now());
    return json(200, { active: { ruleSetId, version: versionOf(event) } });
  },
  'POST /v1/routing/simulate': async (event) => {
    const request = parseOrThrow(SimulationRequest, parseJson(rawBodyOf(event)), 'simulation request');
    const deps = {
      getOrder,
      getActiveRuleSet: () => rules.getActiveRuleSet(),
      listLocations,
      getStockLevels,
      getStockItems,
      getHotShards,
      getProducts,
      now: () => new Date(),
    };
    return json(200, await simulateRouting(deps, request));
  },
};

export const ROUTING_API_ROUTES = Object.keys(operations);

export async function routingApi(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const operation = operations[event.routeKey];
    if (!operation) throw new NotFoundError(`No routing operation for ${event.routeKey}.`);
    return await operation(event);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(routingApi);
