import { MachineClientGrant, MachineClientGrantInput } from '../domain/machine-client.js';
import { jsonSchema, problemResponse as problem } from './openapi-parts.js';

/** The access part of the OpenAPI document (merged by openapi-document.ts): machine-client grants. */
const clientId = { name: 'clientId', in: 'path', required: true, schema: { type: 'string' } };
const grant = { 'application/json': { schema: { $ref: '#/components/schemas/MachineClientGrant' } } };

export function accessOpenApi() {
  return {
    schemas: {
      MachineClientGrantInput: jsonSchema(MachineClientGrantInput, 'input'),
      MachineClientGrant: jsonSchema(MachineClientGrant, 'output'),
    },
    paths: {
      '/v1/machine-clients': {
        get: {
          operationId: 'listMachineClientGrants',
          summary: 'The locations and channels every machine client acts for',
          responses: { '200': { description: '`{items: MachineClientGrant[]}`.' } },
        },
      },
      '/v1/machine-clients/{clientId}': {
        get: {
          operationId: 'getMachineClientGrant',
          summary: 'The locations and channels one machine client acts for',
          parameters: [clientId],
          responses: {
            '200': { description: 'The grant.', content: grant },
            '404': problem('No grant is stored for this client: it is limited by its scopes alone.'),
          },
        },
        put: {
          operationId: 'putMachineClientGrant',
          summary: 'Grant a machine client locations and channels; in effect from its next token',
          parameters: [clientId],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/MachineClientGrantInput' } },
            },
          },
          responses: {
            '201': { description: 'Stored for the first time.', content: grant },
            '200': { description: 'Replaced.', content: grant },
            '400': problem('The grant is invalid; `errors` names every field.'),
          },
        },
      },
    },
  };
}
