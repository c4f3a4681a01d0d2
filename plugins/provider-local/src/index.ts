/**
 * @parsl-ts/provider-local: runs blocks as process groups on this machine, as Parsl's LocalProvider.
 *
 * @packageDocumentation
 */
export { LocalProvider, type LocalProviderContext, type LocalProviderOptions } from './LocalProvider.js';
export { plugin } from './manifest.js';
