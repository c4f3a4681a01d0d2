/**
 * @parsl-ts/serializer-proxy: keeps large task arguments and results out of task messages —
 * they go to a store (`@parsl-ts/store-fs`, `@parsl-ts/store-redis`) and workers fetch them
 * lazily.
 *
 * @packageDocumentation
 */
export { proxySerializer, DEFAULT_THRESHOLD, PROXY_SERIALIZER_ID, type ProxySerializerOptions } from './proxySerializer.js';
export { proxySerializerFromDescriptors } from './fromDescriptor.js';
export { plugin } from './manifest.js';
