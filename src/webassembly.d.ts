/**
 * The part of the WebAssembly JavaScript API cachica uses (types/popcount.ts). Node provides
 * the global; TypeScript declares it only in the DOM library, which a server does not load.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
}
