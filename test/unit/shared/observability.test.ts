import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from '../../../functions/shared/observability.js';

describe("metrics' own warnings", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('leave out the line Powertools writes for every invocation that recorded no metric', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    metrics.publishStoredMetrics();

    expect(warn).not.toHaveBeenCalled();
  });

  it('still log a mistake in our own metrics, such as an empty dimension', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    metrics.addDimension('location', '');

    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining("dimension location doesn't meet the requirements"),
    );
  });
});
