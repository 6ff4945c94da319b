import { afterEach, beforeEach, vi } from 'vitest';

/**
 * What one test changes in the process does not reach the next: the environment is put back as
 * it was before the test (what a file arranged in beforeAll stays), and fake timers end with it.
 */
let environment: NodeJS.ProcessEnv = {};

beforeEach(() => {
  environment = { ...process.env };
});

afterEach(() => {
  vi.useRealTimers();
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
});
