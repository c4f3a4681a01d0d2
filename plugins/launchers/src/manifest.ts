import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { AprunLauncher } from './AprunLauncher.js';
import { GnuParallelLauncher } from './GnuParallelLauncher.js';
import { JsrunLauncher } from './JsrunLauncher.js';
import type { LauncherOptions } from './LauncherOptions.js';
import { MpiExecLauncher, type MpiExecLauncherOptions } from './MpiExecLauncher.js';
import { MpiRunLauncher, type MpiRunLauncherOptions } from './MpiRunLauncher.js';
import { SimpleLauncher, type SimpleLauncherOptions } from './SimpleLauncher.js';
import { SingleNodeLauncher, type SingleNodeLauncherOptions } from './SingleNodeLauncher.js';
import { SrunLauncher } from './SrunLauncher.js';
import { SrunMPILauncher } from './SrunMPILauncher.js';
import { WrappedLauncher, type WrappedLauncherOptions } from './WrappedLauncher.js';

/**
 * The plugin manifest: lets config files name a launcher by package and export (the default is
 * `SingleNodeLauncher`), and lets the loader check the core range this package supports. Name,
 * version, kind, maturity and core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/launchers", "export": "SrunLauncher", "options": { "overrides": "--cpu-bind=none" } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  description: 'Launchers: single node, simple, srun, srun per MPI block, mpiexec, mpirun, aprun, jsrun, GNU parallel, wrapped.',
  factories: {
    SingleNodeLauncher: (options) => new SingleNodeLauncher(options as SingleNodeLauncherOptions),
    SimpleLauncher: (options) => new SimpleLauncher(options as SimpleLauncherOptions),
    SrunLauncher: (options) => new SrunLauncher(options as LauncherOptions),
    SrunMPILauncher: (options) => new SrunMPILauncher(options as LauncherOptions),
    MpiExecLauncher: (options) => new MpiExecLauncher(options as MpiExecLauncherOptions),
    MpiRunLauncher: (options) => new MpiRunLauncher(options as MpiRunLauncherOptions),
    AprunLauncher: (options) => new AprunLauncher(options as LauncherOptions),
    JsrunLauncher: (options) => new JsrunLauncher(options as LauncherOptions),
    GnuParallelLauncher: (options) => new GnuParallelLauncher(options as LauncherOptions),
    WrappedLauncher: (options) => new WrappedLauncher(options as unknown as WrappedLauncherOptions),
  },
  defaultFactory: 'SingleNodeLauncher',
});
