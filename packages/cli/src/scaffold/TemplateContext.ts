/**
 * What every template of `parsl-ts plugin new` is rendered from.
 *
 * @module
 */
import type { PluginNames } from './pluginNames.js';

/**
 * Where the new plugin lives: in the parsl-ts monorepo (`plugins/<kind>-<name>`, core and
 * testing as `workspace:^` devDependencies, tsconfig extending the repository's), or on its own
 * (a third party's repository: every setting in the package, dependencies from the registry).
 *
 * @since 0.1.0
 */
export type ScaffoldLayout = 'workspace' | 'standalone';

/**
 * The values templates are rendered from.
 *
 * @since 0.1.0
 */
export interface TemplateContext extends PluginNames {
  /** The `@parsl-ts/core` range the plugin supports (its peerDependency), e.g. `^0.1.0`. */
  readonly coreRange: string;
  /** The `@parsl-ts/testing` range for the tests of a standalone plugin. */
  readonly testingRange: string;
  /** Monorepo or standalone. */
  readonly layout: ScaffoldLayout;
  /** One line for package.json, `parsl-ts plugins` and the plugins table. */
  readonly description: string;
  /** Who owns the plugin (docs/maturity.md): shown in the README's Status section. */
  readonly owner: string;
}

/**
 * The kind-specific part of a new plugin.
 *
 * @since 0.1.0
 */
export interface KindTemplate {
  /** `src/<ClassName>.ts`: the implementation, with TSDoc. */
  source(ctx: TemplateContext): string;
  /** Test files of the kind (path under the package → content), besides the manifest test. */
  tests(ctx: TemplateContext): Readonly<Record<string, string>>;
  /** Options for the manifest test's config entry (plain data). */
  exampleOptions(ctx: TemplateContext): Record<string, unknown>;
  /** The README's Use section body. */
  use(ctx: TemplateContext): string;
  /** What the generated tests check, for the README's Compatibility section. */
  checks: string;
  /** True when the tests use `@parsl-ts/testing` (the executor conformance suite). */
  readonly usesTesting: boolean;
}
