import { DEFAULT_PORT } from '../../lib/local/local-config.js';

/**
 * Where an ops command acts: the local runtime, through its /_local endpoints, or AWS, through
 * the SDK with the usual credentials and region (AWS_PROFILE, AWS_REGION…).
 */
export type Target = { kind: 'local'; url: string } | { kind: 'aws' };

export interface TargetOptions {
  aws?: boolean;
  url?: string;
}

export const DEFAULT_LOCAL_URL = `http://127.0.0.1:${process.env.PORT ?? DEFAULT_PORT}`;

export function targetOf(options: TargetOptions): Target {
  return options.aws ? { kind: 'aws' } : { kind: 'local', url: options.url ?? DEFAULT_LOCAL_URL };
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
