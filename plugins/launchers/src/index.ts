/**
 * @parsl-ts/launchers: launchers that start the worker command on the nodes of a block, as
 * Parsl's launchers do (single node, srun, mpiexec, mpirun, aprun, jsrun, GNU parallel, wrapped).
 *
 * @packageDocumentation
 */
export { AprunLauncher } from './AprunLauncher.js';
export { GnuParallelLauncher } from './GnuParallelLauncher.js';
export { JsrunLauncher } from './JsrunLauncher.js';
export type { LauncherOptions } from './LauncherOptions.js';
export { MpiExecLauncher, type MpiExecLauncherOptions } from './MpiExecLauncher.js';
export { MpiRunLauncher, type MpiRunLauncherOptions } from './MpiRunLauncher.js';
export { shellQuote } from './shellQuote.js';
export { SimpleLauncher, type SimpleLauncherOptions } from './SimpleLauncher.js';
export { SingleNodeLauncher, type SingleNodeLauncherOptions } from './SingleNodeLauncher.js';
export { SrunLauncher } from './SrunLauncher.js';
export { SrunMPILauncher } from './SrunMPILauncher.js';
export { WrappedLauncher, type WrappedLauncherOptions } from './WrappedLauncher.js';
export { plugin } from './manifest.js';
