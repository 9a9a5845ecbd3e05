import { createRequire } from 'node:module';
import type Protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
let library: typeof Protobuf | undefined;
let descriptor: Protobuf.Namespace | undefined;

/**
 * protobufjs, loaded with the first Protobuf schema rather than when the registry starts (it is a third of the
 * registry's start-up otherwise). Synchronous, because schema parsing is: the package is CommonJS.
 */
export function protobufjs(): typeof Protobuf {
  library ??= require('protobufjs') as typeof Protobuf;
  return library;
}

/** The `google.protobuf` namespace of descriptor.proto, from the copy protobufjs ships. */
export function descriptorNamespace(): Protobuf.Namespace {
  descriptor ??= require('protobufjs/ext/descriptor/index.js') as Protobuf.Namespace;
  return descriptor;
}
