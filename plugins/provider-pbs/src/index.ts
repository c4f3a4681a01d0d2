/**
 * @parsl-ts/provider-pbs: gets blocks of nodes from PBS Pro (`PBSProProvider`) or Torque
 * (`TorqueProvider`), as Parsl's providers of the same names.
 *
 * @packageDocumentation
 */
export { PbsProvider, type PbsProviderContext, type PbsProviderOptions } from './PbsProvider.js';
export { PBSProProvider, type PBSProProviderOptions } from './PBSProProvider.js';
export { TorqueProvider, type TorqueProviderOptions } from './TorqueProvider.js';
export { PbsCommandError } from './PbsCommandError.js';
export { plugin } from './manifest.js';
