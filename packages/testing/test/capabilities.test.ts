import { describe, expect, it } from 'vitest';
import { conformanceCapabilities, resolveCapabilities } from '../src/capabilities.js';

describe('conformance capabilities', () => {
  it('default to true: an executor opts out only by declaring false', () => {
    const all = resolveCapabilities();
    expect(Object.keys(all).sort()).toEqual(Object.keys(conformanceCapabilities).sort());
    expect(Object.values(all).every((v) => v === true)).toBe(true);
    expect(resolveCapabilities({ bash: false, walltime: true })).toMatchObject({ bash: false, walltime: true, workerLoss: true });
  });

  it('each has a description used in the names of skipped tests', () => {
    for (const description of Object.values(conformanceCapabilities)) expect(description.length).toBeGreaterThan(5);
    expect(Object.isFrozen(conformanceCapabilities)).toBe(true);
  });
});
