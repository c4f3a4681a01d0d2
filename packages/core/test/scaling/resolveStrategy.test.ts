import { describe, expect, it } from 'vitest';
import { ConfigError, ErrorCodes, type Strategy } from '../../src/index.js';
import { isStrategyChoice, resolveStrategy, STRATEGY_NAMES } from '../../src/scaling/resolveStrategy.js';

describe('resolveStrategy', () => {
  it('maps each built-in name to a fresh strategy of that name; undefined means simple', () => {
    for (const name of STRATEGY_NAMES) {
      const strategy = resolveStrategy(name);
      expect(strategy.name).toBe(name);
      expect(typeof strategy.strategize).toBe('function');
      expect(resolveStrategy(name)).not.toBe(strategy); // no state shared between runs
    }
    expect(resolveStrategy(undefined).name).toBe('simple');
  });

  it('uses a Strategy object as it is', () => {
    const custom: Strategy = { name: 'mine', async strategize() {} };
    expect(resolveStrategy(custom)).toBe(custom);
  });

  it.each([['htex_auto_scale'], [''], [42], [null], [{ name: 'no method' }]])('rejects %j with a ConfigError on path strategy', (value) => {
    let error: unknown;
    try {
      resolveStrategy(value as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: ErrorCodes.InvalidConfig, path: 'strategy' });
    expect((error as ConfigError).hint).toContain("'htexAutoScale'");
    expect(isStrategyChoice(value)).toBe(false);
  });

  it('isStrategyChoice accepts what resolveStrategy accepts', () => {
    expect(STRATEGY_NAMES.every(isStrategyChoice)).toBe(true);
    expect(isStrategyChoice({ name: 'x', strategize: async () => undefined })).toBe(true);
  });
});
