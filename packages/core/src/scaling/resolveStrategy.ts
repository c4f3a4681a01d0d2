import { ConfigError } from '../errors/usageErrors.js';
import type { Strategy } from '../interfaces/Strategy.js';
import { htexAutoScaleStrategy, noneStrategy, simpleStrategy, type StrategyOptions } from './strategies.js';

/**
 * The names of the built-in strategies, as `Config.strategy` accepts them.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const name: StrategyName = 'htexAutoScale';
 * ```
 */
export type StrategyName = 'none' | 'simple' | 'htexAutoScale';

/**
 * The built-in strategy names, in the order the docs list them.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * if (STRATEGY_NAMES.includes(value)) config.strategy = value;
 * ```
 */
export const STRATEGY_NAMES: readonly StrategyName[] = ['none', 'simple', 'htexAutoScale'];

/**
 * Turn `Config.strategy` into a {@link Strategy}: a built-in name becomes a fresh instance
 * (`undefined` means `simple`, Parsl's default), an object with `strategize` is used as it is.
 * Anything else throws a ConfigError (`PARSL_INVALID_CONFIG`, path `strategy`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const strategy = resolveStrategy(config.strategy, { logger: dfk.logger, maxIdleTime: 60 });
 * await strategy.strategize(blockScalingExecutors);
 * ```
 */
export function resolveStrategy(strategy: Strategy | StrategyName | undefined, options: StrategyOptions = {}): Strategy {
  switch (strategy) {
    case undefined:
    case 'simple':
      return simpleStrategy(options);
    case 'htexAutoScale':
      return htexAutoScaleStrategy(options);
    case 'none':
      return noneStrategy();
    default:
      if (typeof strategy === 'object' && strategy !== null && typeof (strategy as Partial<Strategy>).strategize === 'function') return strategy;
      throw new ConfigError(`unknown strategy ${describe(strategy)}`, {
        path: 'strategy',
        hint: `use ${STRATEGY_NAMES.map((n) => `'${n}'`).join(', ')}, or an object with a strategize(executors) method`,
      });
  }
}

/**
 * True for the values `Config.strategy` accepts. Used by config validation.
 *
 * @since 0.1.0
 * @internal
 * @example
 * ```ts
 * isStrategyChoice('simple'); // true
 * isStrategyChoice('htex_auto_scale'); // false: the TypeScript name is htexAutoScale
 * ```
 */
export function isStrategyChoice(value: unknown): value is Strategy | StrategyName {
  return (typeof value === 'string' && (STRATEGY_NAMES as readonly string[]).includes(value))
    || (typeof value === 'object' && value !== null && typeof (value as Partial<Strategy>).strategize === 'function');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object without a strategize method' : String(value);
}
