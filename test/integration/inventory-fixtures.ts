import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { putLocation } from '../../functions/data/config-repository.js';
import type { Location } from '../../functions/domain/location.js';
import { anApiEvent } from '../helpers/factories.js';

/** Factories shared by the inventory's integration tests. */

export async function givenLocations(...locations: Location[]): Promise<void> {
  await Promise.all(locations.map(putLocation));
}

export function aMovementPost(movement: Record<string, unknown>): APIGatewayProxyEventV2 {
  return anApiEvent({
    method: 'POST',
    path: '/v1/inventory/movements',
    body: JSON.stringify({ who: 'clerk-7', ...movement }),
  });
}

export function aPosUpload(
  locationId: string,
  sales: Record<string, unknown>[],
  who = 'register-2',
): APIGatewayProxyEventV2 {
  return anApiEvent({
    method: 'POST',
    path: `/v1/locations/${locationId}/pos-sales`,
    pathParameters: { locationId },
    body: JSON.stringify({ who, sales }),
  });
}
