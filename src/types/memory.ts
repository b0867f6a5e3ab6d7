/**
 * What the JS objects behind collections cost, as used_memory counts them.
 *
 * Redis's used_memory is what its allocator has handed out; a garbage-collected heap has no
 * such figure that falls when a key is deleted (it falls at the next collection). So each
 * collection estimates its own size from counts it keeps as it changes, with these costs,
 * measured on Node 20 (x64, no pointer compression) as heap growth after a full collection
 * for a million members: a one-byte string takes a 16-byte header plus its characters rounded
 * up to 8 (20 + length on average), an array slot 8 bytes and some room to grow. Estimates are checked against
 * measurements in test/types/memory.test.ts.
 */

/** A latin1 string's bytes beside its characters (header and average padding). */
export const STRING_BYTES = 20;
/** One array slot (a pointer, or an unboxed double: 8 bytes), with the spare room a growing array keeps (a quarter on average). */
export const SLOT_BYTES = 10;
/** How full a sorted set's B+tree leaves are on average. */
export const TREE_FILL = 0.75;

/** A value that can say how much memory it holds. */
export interface MemorySized {
  readonly memoryBytes: number;
}
