/**
 * @parsl-ts/provider-slurm: gets blocks of nodes from a Slurm cluster, as Parsl's SlurmProvider.
 *
 * @packageDocumentation
 */
export { SlurmProvider, type SlurmProviderContext, type SlurmProviderOptions } from './SlurmProvider.js';
export { SlurmCommandError } from './SlurmCommandError.js';
export { plugin } from './manifest.js';
