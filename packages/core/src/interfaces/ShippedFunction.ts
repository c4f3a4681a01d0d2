/**
 * How an app's function travels to a worker (see DESIGN.md "Function shipping").
 *
 * - `reference`: the worker imports `moduleUrl` and takes the export `exportName`; `hash` is the
 *   SHA-256 of the module's source file, checked on the worker so that a changed file is noticed.
 * - `value`: the worker re-creates the function from `source`; `hash` is the SHA-256 of the source.
 *
 * @since 0.1.0
 */
export type ShippedFunction =
  | { readonly mode: 'reference'; readonly name: string; readonly moduleUrl: string; readonly exportName: string; readonly hash: string }
  | { readonly mode: 'value'; readonly name: string; readonly source: string; readonly hash: string };
