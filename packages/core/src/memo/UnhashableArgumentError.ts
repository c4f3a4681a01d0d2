import { ErrorCodes } from '../errors/codes.js';
import { ParslError } from '../errors/ParslError.js';

/**
 * Raised when an argument of an app with `cache: true` cannot be turned into a memo key: a
 * function, a symbol, a Promise, a cyclic structure, or an instance of a class that has no hasher
 * (code `PARSL_UNHASHABLE_ARGUMENT`). The task fails with it before it runs.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * class Client { constructor(readonly url: string) {} }
 * const f = cached(new Client('db://x')); // rejects: args[0] is a Client, which has no memo hasher
 * registerMemoHasher(Client, (c) => c.url); // now it hashes by URL
 * ```
 */
export class UnhashableArgumentError extends ParslError {
  /** Where the value is in the call, e.g. `args[1].settings.client`. */
  readonly path: string;
  /** What the value is, e.g. `a function` or `an instance of Client`. */
  readonly what: string;

  constructor(appName: string, path: string, what: string, reason = '') {
    super(ErrorCodes.UnhashableArgument,
      `app ${appName} has cache: true, but ${path} is ${what}, which cannot be hashed into a memo key${reason ? ` (${reason})` : ''}`, {
        hint: `leave it out of the key with the app option ignoreForCache: [${JSON.stringify(topLevel(path))}], ` +
          'give its class a hasher with registerMemoHasher(TheClass, (v) => plainDataThatIdentifiesIt), ' +
          'or pass plain data instead',
      });
    this.path = path;
    this.what = what;
  }
}

/** The argument position or option key at the start of a path (`args[1].x` → 1, `options.seed` → 'seed'). */
function topLevel(path: string): number | string {
  const position = /^args\[(\d+)\]/.exec(path);
  if (position) return Number(position[1]);
  const key = /^options\.([^.[]+)/.exec(path);
  return key ? key[1]! : path;
}
