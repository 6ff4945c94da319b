import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getOrder } from '../data/orders-repository.js';
import { listLocations } from '../data/config-repository.js';
import { getStockItems, getStockLevels } from '../data/inventory-repository.js';
import { getHotShards } from '../data/products-repository.js';
import { getProducts } from '../data/routing-repository.js';
import * as rules from '../data/rules-repository.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { parseRuleSet } from '../domain/routing/index.js';
import { MAX_RULE_SET_VERSION } from '../domain/routing/rules.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, jsonBodyOf, pathOf, pathParameter, type HttpResponse } from '../shared/http.js';
import { actorFrom } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';
import { SimulationRequest } from '../domain/routing/simulation.js';
import { simulateRouting } from './simulate-routing.js';

type Operation = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** Digits only: `Number()` would also take `1e300` and `0x10`, which no version is stored as. */
const versionOf = (event: APIGatewayProxyEventV2) => {
  const text = event.pathParameters?.version ?? '';
  const version = /^[1-9][0-9]{0,5}$/.test(text) ? Number(text) : NaN;
  if (!(version <= MAX_RULE_SET_VERSION)) {
    throw new ValidationError(`The version must be a whole number from 1 to ${MAX_RULE_SET_VERSION}.`, [
      { path: 'version', message: `must be a whole number from 1 to ${MAX_RULE_SET_VERSION}` },
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
    const { ruleSet, created } = await rules.putRuleSet(jsonBodyOf(event), actorFrom(event), now());
    const location = pathOf('v1', 'routing', 'rule-sets', ruleSet.ruleSetId, 'versions', ruleSet.version);
    return json(created ? 201 : 200, { ruleSet }, { location });
  },
  'POST /v1/routing/rule-sets/validate': async (event) =>
    json(200, { valid: true, ruleSet: parseRuleSet(jsonBodyOf(event)) }),
  'GET /v1/routing/rule-sets/{ruleSetId}/versions/{version}': async (event) => {
    const ruleSetId = pathParameter(event, 'ruleSetId');
    const version = versionOf(event);
    const ruleSet = await rules.getRuleSet(ruleSetId, version);
    if (!ruleSet) throw new NotFoundError(`There is no rule set ${ruleSetId} v${version}.`);
    return json(200, { ruleSet });
  },
  'POST /v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate': async (event) => {
    const ruleSetId = pathParameter(event, 'ruleSetId');
    const version = versionOf(event);
    await rules.activateRuleSet(ruleSetId, version, actorFrom(event), now());
    return json(200, { active: { ruleSetId, version } });
  },
  'POST /v1/routing/simulate': async (event) => {
    const request = parseOrThrow(SimulationRequest, jsonBodyOf(event), 'simulation request');
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
