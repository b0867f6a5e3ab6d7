/**
 * Buffer's unchecked codec methods. Node defines them on Buffer.prototype (the public
 * toString/write wrap them with argument checks); the hot paths of the protocol and the store
 * call them directly.
 */
declare module 'buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
    latin1Write(s: string, offset: number, length: number): number;
    utf8Write(s: string, offset: number, length: number): number;
  }
}
export {};
