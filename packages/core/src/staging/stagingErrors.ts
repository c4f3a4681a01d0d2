import { ParslError } from '../errors/ParslError.js';
import { StagingError } from '../errors/usageErrors.js';
import { redactUrl } from './fileNames.js';

/**
 * The error a failed staging step surfaces: a provider's own StagingError (or other parsl-ts
 * error, such as a plugin that cannot be loaded on a worker) as it is; anything else (a bug, a
 * raw `ENOENT`) wrapped in a StagingError that names the URL and keeps the original as `cause`.
 *
 * @internal
 */
export function asStagingError(error: unknown, url: string, what: string): ParslError {
  if (error instanceof ParslError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StagingError(redactUrl(url), `${what}: ${message}`, { cause: error });
}
