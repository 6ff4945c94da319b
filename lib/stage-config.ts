import * as z from 'zod';
import { DEFAULT_PAYLOAD_RETENTION_DAYS } from '../functions/data/retention.js';
import { ROUTES } from './topology.js';

/**
 * Stages: one account can hold several deployments of the OMS (dev, staging, prod), each its own
 * stack. Every name a stage gives AWS that must be unique in the account or region carries the
 * stage (stageNames), and each stage's settings live in cdk.json under `stages.<name>`, validated
 * here. No CDK import on purpose: the local runtime reads DEFAULT_STAGE and stageNames too.
 */
export const DEFAULT_STAGE = 'dev';

/** The stage the local runtime (`npm start`) names its metrics after. */
export const LOCAL_STAGE = 'local';

/** Lower case, digits and dashes, short: the stage ends up in a Cognito domain prefix (63 chars at most). */
export const StageName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,11}$/,
    'must be 1-12 lower-case letters, digits or dashes, starting with a letter',
  );

/** The physical names of a stage, derived from its name only. */
export function stageNames(stage: string) {
  const name = StageName.parse(stage);
  return {
    stage: name,
    stackName: `Oms-${name}`,
    /** CloudWatch namespace of the metrics the functions publish (POWERTOOLS_METRICS_NAMESPACE). */
    metricsNamespace: `OMS/${name}`,
    /** Channel signing secrets are named `<prefix><channelId>`; a stage's functions read no other. */
    channelSecretsPrefix: `oms/${name}/channels/`,
    /** Label providers' API tokens and webhook secrets (Config `CARRIER / <id>` names them). */
    carrierSecretsPrefix: `oms/${name}/carriers/`,
    dashboardName: `OMS-${name}`,
    apiName: `OMS-${name}`,
    /** Alarm names start with it, so one stage's alarms sort together and never clash with another's. */
    alarmPrefix: `OMS-${name}-`,
    logGroupPrefix: `/oms/${name}/`,
    /** Cognito domain prefixes are global across AWS: the account and region make it ours. */
    userPoolDomainPrefix: (account: string, region: string) => `oms-${name}-${account}-${region}`,
  };
}

export type StageNames = ReturnType<typeof stageNames>;

const Throttle = z.strictObject({
  rateLimit: z.number().int().positive(),
  burstLimit: z.number().int().positive(),
});

const ROUTE_KEYS = ROUTES.map((route) => `${route.method} ${route.path}`);

const ChannelId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a channel id');

/** What a stage may set; everything has a default but what only the retailer knows. */
export const StageSettings = z.strictObject({
  /** Tables get deletion protection and survive `cdk destroy`, with the logs. */
  retainData: z.boolean().default(true),
  /** Every alarm notifies this address through an SNS topic; without it alarms only change state. */
  alarmEmail: z.email().optional(),
  /** Another identity provider's issuer: no Cognito user pool is created (docs/security.md). */
  jwtIssuer: z.url({ protocol: /^https$/ }).optional(),
  /** Accepted `aud` values; required with jwtIssuer, otherwise added to the pool's clients. */
  jwtAudience: z.array(z.string().min(1)).default([]),
  /** More URLs the console's sign-in may return to, beside the deployed console (a development server). */
  consoleCallbackUrls: z.array(z.url()).min(1).optional(),
  /** The Cognito hosted UI's domain prefix, unique across AWS; `oms-<stage>-<account>-<region>` without it. */
  authDomainPrefix: z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
      'must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash',
    )
    .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'must not contain aws, amazon or cognito')
    .optional(),
  /**
   * The console on the retailer's own host name: a certificate for it in ACM in us-east-1 (where
   * CloudFront reads certificates); the DNS record pointing at the distribution is the retailer's.
   */
  consoleDomain: z
    .strictObject({
      domainName: z.hostname(),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
          'must be the ARN of an ACM certificate in us-east-1',
        ),
    })
    .optional(),
  /** HTTP API limits: `default` for every route, `routes` for the ones that need their own. */
  throttle: z
    .strictObject({
      default: Throttle,
      routes: z
        .record(z.string(), Throttle)
        .superRefine((routes, context) => {
          for (const key of Object.keys(routes).filter((key) => !ROUTE_KEYS.includes(key))) {
            context.addIssue({
              code: 'custom',
              path: [key],
              message: `must be a route key, one of: ${ROUTE_KEYS.join(', ')}`,
            });
          }
        })
        .default({}),
    })
    .default({
      // A flash sale of 1,000 concurrent orders gets in (docs/scale.md).
      default: { rateLimit: 500, burstLimit: 1000 },
      // The public ingest route is open to anything that knows the URL: it gets its own budget,
      // the rate the design sustains (docs/scale.md) with a burst no larger, so a flood of (even
      // unsigned) posts is refused at the edge with 429s before it takes the account's API
      // Gateway and Lambda capacity from the staff and store routes.
      routes: { 'POST /v1/channels/{channelId}/orders': { rateLimit: 500, burstLimit: 500 } },
    }),
  /**
   * Reserve the concurrency FUNCTIONS asks for. Off for accounts whose Lambda concurrency quota
   * is still the new-account default (10), where any reservation fails the deploy.
   */
  reserveConcurrency: z.boolean().default(true),
  /** Channels whose orders should keep coming: an anomaly-detection alarm per channel watches for silence. */
  ordersExpectedFrom: z.array(ChannelId).default([]),
  /**
   * Days the channels' raw payloads and webhook delivery keys are kept before DynamoDB's TTL
   * deletes them (functions/data/retention.ts, docs/privacy.md). A channel's retries come within
   * hours to days; audit and mapping fixes need weeks.
   */
  payloadRetentionDays: z.int().min(7).max(3650).default(DEFAULT_PAYLOAD_RETENTION_DAYS),
  /** The IANA zone whose calendar days the reports and the analytics partitions use (docs/reports.md). */
  reportsTimeZone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Lisbon')
    .default('UTC'),
});

export type StageSettings = z.output<typeof StageSettings>;

export interface StageConfig {
  names: StageNames;
  settings: StageSettings;
}

/**
 * The settings of a stage: `stages.<stage>` of the context (cdk.json), then single values given
 * with `-c key=value` on top (comma-separated lists), so a one-off deploy needs no edit.
 */
export function stageConfigFrom(context: (key: string) => unknown): StageConfig {
  const stage = StageName.parse(context('stage') ?? DEFAULT_STAGE);
  const stages = (context('stages') ?? {}) as Record<string, unknown>;
  const overrides: Record<string, unknown> = {};
  for (const [key, parse] of Object.entries(CONTEXT_OVERRIDES)) {
    const value = context(key);
    if (value !== undefined) overrides[key] = parse(value);
  }
  const parsed = StageSettings.safeParse({ ...(stages[stage] as object | undefined), ...overrides });
  if (!parsed.success) {
    throw new Error(`The settings of stage "${stage}" are invalid:\n${z.prettifyError(parsed.error)}`);
  }
  if (parsed.data.jwtIssuer && parsed.data.jwtAudience.length === 0) {
    throw new Error(`Stage "${stage}": jwtIssuer needs jwtAudience too.`);
  }
  return { names: stageNames(stage), settings: parsed.data };
}

const list = (value: unknown) =>
  Array.isArray(value)
    ? value
    : String(value)
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
const bool = (value: unknown) => (typeof value === 'boolean' ? value : String(value) !== 'false');

/** Context keys accepted on the command line, as `-c` gives them (strings). */
const CONTEXT_OVERRIDES = {
  retainData: bool,
  alarmEmail: String,
  jwtIssuer: String,
  jwtAudience: list,
  consoleCallbackUrls: list,
  authDomainPrefix: String,
  reserveConcurrency: bool,
  ordersExpectedFrom: list,
  payloadRetentionDays: Number,
  reportsTimeZone: String,
} satisfies Partial<Record<keyof StageSettings, (value: unknown) => unknown>>;
