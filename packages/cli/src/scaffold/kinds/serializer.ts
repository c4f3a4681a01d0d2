/**
 * The serializer template: core's JSON encoding under the plugin's own header. Tested by round
 * trips of every value the Serializer interface lists and by re-creating it from its descriptor,
 * as a worker does.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The serializer template.
 *
 * @since 0.1.0
 */
export const serializerTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, round trips of every value the `Serializer` interface lists (primitives, undefined, BigInt, Date, Map, Set, typed arrays, Errors with their class, Files), refusing other serializers\' payloads with a coded error, and re-creating it from its `descriptor` as a worker does',
  exampleOptions: () => ({}),
  use: (ctx) => `\`\`\`json
{ "serializer": { "package": "${ctx.packageName}" } }
\`\`\``,
  source: (ctx: TemplateContext) => `import {
  ErrorCodes, jsonSerializer, SerializationError, splitHeader, withHeader,
  type PluginDescriptor, type PluginManifest, type Serializer,
} from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * ${ctx.description}
 *
 * As generated, it encodes with core's JSON encoding under its own header (\`${ctx.name}\`); replace
 * \`encode\`/\`decode\` with your format. Every payload starts with the header so that a receiver
 * picks the right serializer.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const dfk = await loadConfig({ serializer: new ${ctx.className}() });
 * \`\`\`
 */
export class ${ctx.className} implements Serializer {
  /** The header of every payload. */
  readonly id = '${ctx.name}';
  /** How a worker re-creates this serializer: this package, with plain-data options. */
  readonly descriptor: PluginDescriptor = { package: '${ctx.packageName}', options: {} };
  private readonly json = jsonSerializer();

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Encode a value, header included. */
  serialize(value: unknown): Uint8Array {
    return withHeader(this.id, this.encode(value));
  }

  /** Decode a payload written by {@link ${ctx.className}.serialize}. */
  deserialize(payload: Uint8Array): unknown {
    const { id, body } = splitHeader(payload);
    if (id !== this.id) {
      throw new SerializationError(\`the ${ctx.name} serializer got a payload of serializer "\${id}"\`, {
        code: ErrorCodes.UnknownSerializer, hint: 'decode payloads through a SerializerRegistry, which picks the serializer the header names',
      });
    }
    return this.decode(body);
  }

  private encode(value: unknown): Uint8Array {
    return splitHeader(this.json.serialize(value)).body;
  }

  private decode(body: Uint8Array): unknown {
    return this.json.deserialize(withHeader(this.json.id, body));
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BashExitFailure, File, jsonSerializer, type Serializer } from '@parsl-ts/core';
import { instantiateDescriptor } from '@parsl-ts/core/worker';
import { ${ctx.className} } from '../src/index.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('${ctx.className}', () => {
  const serializer = new ${ctx.className}();
  const roundTrip = (value: unknown): unknown => serializer.deserialize(serializer.serialize(value));

  it('round-trips every value the Serializer interface lists', () => {
    const value = {
      n: 1.5, big: 12345678901234567890n, s: 'text', t: true, nil: null, u: undefined, nan: Number.NaN,
      list: [1, 'two', [3]], date: new Date(1_700_000_000_000), map: new Map([['k', 1]]), set: new Set([1, 2]),
      bytes: new Uint8Array([1, 2, 255]), buffer: Buffer.from('hi'), file: new File('/tmp/x.txt'),
    };
    const copy = roundTrip(value) as typeof value;
    expect(copy).toEqual(value);
    expect(copy.map).toBeInstanceOf(Map);
    expect(File.isFile(copy.file)).toBe(true);
  });

  it('round-trips errors with their class and message', () => {
    const copy = roundTrip(new BashExitFailure('app', 3)) as Error & { code?: string };
    expect(copy).toBeInstanceOf(BashExitFailure);
    expect(copy.message).toContain('3');
  });

  it('writes its header and refuses payloads of another serializer', () => {
    expect(Buffer.from(serializer.serialize(1)).toString('utf8')).toMatch(/^${ctx.name}\\n/);
    expect(() => serializer.deserialize(jsonSerializer().serialize(1))).toThrow(expect.objectContaining({ code: 'PARSL_UNKNOWN_SERIALIZER' }));
  });

  it('is re-created from its descriptor, as a worker does (through the built package)', async () => {
    const remote = await instantiateDescriptor<Serializer>(serializer.descriptor, packageRoot);
    expect(remote.id).toBe(serializer.id);
    expect(remote.deserialize(serializer.serialize({ a: [1n] }))).toEqual({ a: [1n] });
  });
});
`,
  }),
};
