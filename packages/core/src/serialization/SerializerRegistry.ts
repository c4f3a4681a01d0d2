import { ErrorCodes } from '../errors/codes.js';
import { SerializationError } from '../errors/usageErrors.js';
import type { Serializer } from '../interfaces/Serializer.js';
import { splitHeader } from './header.js';

/**
 * The serializers known to a process, by id. Decoding picks the serializer named in the payload's
 * header, so payloads from several serializers can be mixed.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const registry = new SerializerRegistry([msgpackSerializer()]);
 * registry.deserialize(registry.get('msgpack').serialize([1, 2]));
 * ```
 */
export class SerializerRegistry {
  private readonly byId = new Map<string, Serializer>();

  constructor(serializers: Iterable<Serializer> = []) {
    for (const s of serializers) this.register(s);
  }

  /** Add a serializer (replacing one with the same id). */
  register(serializer: Serializer): void {
    this.byId.set(serializer.id, serializer);
  }

  /** The serializer with this id. Throws a coded error naming the known ids. */
  get(id: string): Serializer {
    const serializer = this.byId.get(id);
    if (!serializer) {
      throw new SerializationError(`no serializer "${id}" is registered (known: ${[...this.byId.keys()].join(', ') || 'none'})`, {
        code: ErrorCodes.UnknownSerializer,
        hint: `install and configure the plugin that provides the "${id}" serializer on both the submit side and the workers`,
      });
    }
    return serializer;
  }

  /** Ids of every registered serializer. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Decode a payload with the serializer its header names. */
  deserialize(payload: Uint8Array): unknown {
    const { id } = splitHeader(payload);
    return this.get(id).deserialize(payload);
  }
}
