import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DEFAULT_PORT } from '../../lib/local/local-config.js';
import { DEFAULT_STAGE, stageNames } from '../../lib/stage-config.js';

/**
 * Where an ops command acts: the local runtime, through its /_local endpoints and its HTTP API,
 * or a deployed stage, through the SDK with the usual credentials and region (AWS_PROFILE,
 * AWS_REGION…) and the stack `Oms-<stage>`, whose CloudFormation outputs name its API, queues
 * and tables (lib/oms-stack.ts).
 */
export type Target = { kind: 'local'; url: string } | { kind: 'aws'; stage?: string };

export interface TargetOptions {
  aws?: boolean;
  url?: string;
  stage?: string;
}

export const DEFAULT_LOCAL_URL = `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}`;

export function targetOf(options: TargetOptions): Target {
  return options.aws
    ? { kind: 'aws', stage: options.stage ?? process.env.OMS_STAGE ?? DEFAULT_STAGE }
    : { kind: 'local', url: options.url ?? DEFAULT_LOCAL_URL };
}

/** Calls a local runtime endpoint; a refusal is thrown with the runtime's own explanation. */
export async function callLocal<Result>(
  target: { url: string },
  path: string,
  body?: unknown,
): Promise<Result> {
  const response = await fetch(`${target.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  const answer = (await response.json()) as Result & { detail?: string };
  if (!response.ok) throw new Error(`${path}: ${answer.detail ?? response.statusText}`);
  return answer;
}

const outputsByStage = new Map<string, Promise<Record<string, string>>>();

/** The outputs of the stage's stack, by output key; read once per process. */
export function stackOutputs(
  stage: string = DEFAULT_STAGE,
  cloudFormation: CloudFormationClient = new CloudFormationClient({}),
): Promise<Record<string, string>> {
  const cached = outputsByStage.get(stage);
  if (cached) return cached;
  const { stackName } = stageNames(stage);
  const outputs = cloudFormation
    .send(new DescribeStacksCommand({ StackName: stackName }))
    .then(({ Stacks }) => {
      const stack = Stacks?.[0];
      if (!stack)
        throw new Error(`There is no stack ${stackName}: deploy it (docs/deploy.md) or pass --stage.`);
      return Object.fromEntries(
        (stack.Outputs ?? []).flatMap((output) =>
          output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [],
        ),
      );
    });
  outputsByStage.set(stage, outputs);
  outputs.catch(() => outputsByStage.delete(stage));
  return outputs;
}

/** One output of the stage's stack, or an error naming it. */
export async function stackOutput(target: Extract<Target, { kind: 'aws' }>, key: string): Promise<string> {
  const outputs = await stackOutputs(target.stage);
  const value = outputs[key];
  if (!value)
    throw new Error(`The stack ${stageNames(target.stage ?? DEFAULT_STAGE).stackName} has no output ${key}.`);
  return value;
}
