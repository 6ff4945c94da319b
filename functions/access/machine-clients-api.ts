import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MachineClientGrantInput, type MachineClientGrant } from '../domain/machine-client.js';
import { NotFoundError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/validation.js';
import {
  getMachineClientGrant,
  listMachineClientGrants,
  putMachineClientGrant,
} from '../data/machine-clients-repository.js';
import { actorFrom } from '../shared/access.js';
import { errorResponse, json, jsonBodyOf, pathOf, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * The locations and channels each machine client acts for (docs/security.md):
 * PUT /v1/machine-clients/{clientId} stores a grant, GET reads one or all. The change takes
 * effect in the client's next access token, at most an hour away (the token lifetime).
 */
export async function machineClientsApi(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    if (event.routeKey === 'GET /v1/machine-clients') {
      return json(200, { items: await listMachineClientGrants() });
    }
    const clientId = pathParameter(event, 'clientId');
    if (event.routeKey === 'GET /v1/machine-clients/{clientId}') {
      const grant = await getMachineClientGrant(clientId);
      if (!grant) throw new NotFoundError(`No grant is stored for the machine client "${clientId}".`);
      return json(200, grant);
    }
    const input = parseOrThrow(MachineClientGrantInput, jsonBodyOf(event), 'body');
    const grant: MachineClientGrant = {
      ...input,
      clientId,
      updatedAt: new Date().toISOString(),
      updatedBy: actorFrom(event),
    };
    const { created } = await putMachineClientGrant(grant);
    return json(
      created ? 201 : 200,
      grant,
      created ? { location: pathOf('v1', 'machine-clients', clientId) } : {},
    );
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(machineClientsApi);
