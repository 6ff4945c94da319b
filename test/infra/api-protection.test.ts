import { describe, expect, it } from 'vitest';
import { synthesizeOms } from './oms-app.js';

const INGEST_ROUTE = 'POST /v1/channels/{channelId}/orders';

interface StageResource {
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

function stageOf(template: ReturnType<typeof synthesizeOms>['template']): StageResource {
  const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as StageResource[];
  return stage!;
}

describe('API throttling', () => {
  const { template } = synthesizeOms();
  const stage = stageOf(template);

  it('limits every route by default', () => {
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
    });
  });

  it('gives the public ingest route its own, lower limits, so a flood there leaves the others alone', () => {
    expect(stage.Properties.RouteSettings).toEqual({
      [INGEST_ROUTE]: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 500 },
    });
  });

  it('creates the stage after the route it throttles, which API Gateway requires', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route', {
      Properties: { RouteKey: INGEST_ROUTE },
    });
    const [routeId] = Object.keys(routes);
    expect(stage.DependsOn).toContain(routeId);
  });

  it('takes the limits a stage sets', () => {
    const { template: custom } = synthesizeOms({
      apiThrottle: {
        default: { rateLimit: 100, burstLimit: 200 },
        routes: {
          [INGEST_ROUTE]: { rateLimit: 50, burstLimit: 100 },
          'GET /v1/orders/{orderId}': { rateLimit: 20, burstLimit: 40 },
        },
      },
    });
    expect(stageOf(custom).Properties).toMatchObject({
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      RouteSettings: {
        [INGEST_ROUTE]: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'GET /v1/orders/{orderId}': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      },
    });
  });

  it('refuses limits for a route the API does not have', () => {
    expect(() =>
      synthesizeOms({
        apiThrottle: {
          default: { rateLimit: 100, burstLimit: 200 },
          routes: { 'DELETE /v1/everything': { rateLimit: 1, burstLimit: 1 } },
        },
      }),
    ).toThrow(/unknown route "DELETE \/v1\/everything"/);
  });
});
