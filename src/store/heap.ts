/**
 * Heap: the bytes of keys and string values, kept off the JavaScript heap.
 *
 * V8's collector traces every live object and pauses in proportion to the live heap, so millions
 * of key and value strings would mean long pauses. Here bytes live in 64 MB slab Buffers that the
 * collector never looks into. Blocks are carved in size classes (8-byte steps up to 64 bytes,
 * then four classes per power of two), freed blocks go to a free list per class and are reused,
 * and a block is named by a 32-bit address counted in 8-byte units, so an address fits a
 * Uint32Array slot and a slab plus offset is one shift and one mask away.
 *
 * Blocks larger than MAX_BLOCK are Buffers of their own (Redis allows 512 MB values); their
 * addresses are indexes at and above LARGE_BASE.
 */

const UNIT_SHIFT = 3; // addresses count 8-byte units
const SLAB_SHIFT = 23; // 2^23 units = 64 MB per slab
export const SLAB_BYTES = 1 << (SLAB_SHIFT + UNIT_SHIFT);
const SLAB_UNIT_MASK = (1 << SLAB_SHIFT) - 1;
/** Addresses from here on name standalone large buffers. */
export const LARGE_BASE = 0xf0000000;
/** Largest block carved from a slab; larger ones get a Buffer of their own. */
export const MAX_BLOCK = 16 * 1024;
const EMPTY = Buffer.alloc(0);
/** Address of the empty value: zero bytes need no block. */
export const NULL_ADDR = 0;

// Size classes in 8-byte units: 1..8, then four per power of two up to MAX_BLOCK.
const CLASS_UNITS: number[] = [];
for (let u = 1; u <= 8; u++) CLASS_UNITS.push(u);
for (let base = 8; base < MAX_BLOCK >> UNIT_SHIFT; base *= 2) {
  for (let q = 1; q <= 4; q++) CLASS_UNITS.push(base + (base / 4) * q);
}
const MAX_UNITS = MAX_BLOCK >> UNIT_SHIFT;
/** units -> class index, for every unit count up to MAX_UNITS. */
const CLASS_OF_UNITS = new Uint8Array(MAX_UNITS + 1);
{
  let c = 0;
  for (let u = 1; u <= MAX_UNITS; u++) {
    while (CLASS_UNITS[c] < u) c++;
    CLASS_OF_UNITS[u] = c;
  }
}

/** The number of bytes actually reserved for a request of `bytes` (the block's capacity). */
export function blockCapacity(bytes: number): number {
  if (bytes === 0) return 0;
  if (bytes > MAX_BLOCK) return bytes;
  return CLASS_UNITS[CLASS_OF_UNITS[(bytes + 7) >>> UNIT_SHIFT]] << UNIT_SHIFT;
}

export class Heap {
  /** Slab buffers; slab i holds units [i << SLAB_SHIFT, (i + 1) << SLAB_SHIFT). */
  readonly slabs: Buffer[] = [];
  private readonly slabWords: Uint32Array[] = [];
  private readonly freeHeads: Uint32Array = new Uint32Array(CLASS_UNITS.length);
  private bumpSlab = -1;
  private bumpUnit = 0; // next free unit in the bump slab

  private readonly large: (Buffer | null)[] = [];
  private readonly largeFree: number[] = [];

  /** Bytes handed out in blocks (capacity, not requested length). */
  usedBytes = 0;
  /** Bytes reserved from the system: slabs plus large buffers. */
  reservedBytes = 0;

  /** Buffer holding the block at `addr`. */
  bufferOf(addr: number): Buffer {
    if (addr >= LARGE_BASE) return this.large[addr - LARGE_BASE] as Buffer;
    // The empty block (address 0) may be asked for before any slab exists.
    return this.slabs[addr >>> SLAB_SHIFT] ?? EMPTY;
  }

  /** Byte offset of the block at `addr` within bufferOf(addr). */
  offsetOf(addr: number): number {
    if (addr >= LARGE_BASE) return 0;
    return (addr & SLAB_UNIT_MASK) << UNIT_SHIFT;
  }

  /** Reserve a block of at least `bytes` bytes; its capacity is blockCapacity(bytes). */
  alloc(bytes: number): number {
    if (bytes === 0) return NULL_ADDR;
    if (bytes > MAX_BLOCK) return this.allocLarge(bytes);
    const cls = CLASS_OF_UNITS[(bytes + 7) >>> UNIT_SHIFT];
    const units = CLASS_UNITS[cls];
    this.usedBytes += units << UNIT_SHIFT;
    const head = this.freeHeads[cls];
    if (head !== 0) {
      // The next-pointer of a free block lives in its first word.
      this.freeHeads[cls] = this.slabWords[head >>> SLAB_SHIFT][(head & SLAB_UNIT_MASK) << 1];
      return head;
    }
    if (this.bumpSlab < 0 || this.bumpUnit + units > SLAB_UNIT_MASK + 1) this.newSlab();
    const addr = (this.bumpSlab << SLAB_SHIFT) + this.bumpUnit;
    this.bumpUnit += units;
    return addr;
  }

  /** Release the block at `addr` that was allocated for `bytes` bytes. */
  free(addr: number, bytes: number): void {
    if (addr === NULL_ADDR) return;
    if (addr >= LARGE_BASE) {
      const i = addr - LARGE_BASE;
      const b = this.large[i] as Buffer;
      this.usedBytes -= b.length;
      this.reservedBytes -= b.length;
      this.large[i] = null;
      this.largeFree.push(i);
      return;
    }
    const cls = CLASS_OF_UNITS[(bytes + 7) >>> UNIT_SHIFT];
    this.usedBytes -= CLASS_UNITS[cls] << UNIT_SHIFT;
    this.slabWords[addr >>> SLAB_SHIFT][(addr & SLAB_UNIT_MASK) << 1] = this.freeHeads[cls];
    this.freeHeads[cls] = addr;
  }

  /** Allocate a block and copy src[start, end) into it. */
  store(src: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const addr = this.alloc(n);
    if (n > 0) this.write(addr, 0, src, start, end);
    return addr;
  }

  /** Copy src[start, end) into the block at `addr`, from byte `at` of the block. */
  write(addr: number, at: number, src: Uint8Array, start: number, end: number): void {
    const dst = this.bufferOf(addr);
    let o = this.offsetOf(addr) + at;
    if (end - start < 48) {
      for (let i = start; i < end; i++) dst[o++] = src[i];
    } else {
      dst.set(src.subarray(start, end), o);
    }
  }

  /** Drop every block at once (FLUSHALL): the slabs go back to the system. */
  clear(): void {
    this.slabs.length = 0;
    this.slabWords.length = 0;
    this.freeHeads.fill(0);
    this.bumpSlab = -1;
    this.bumpUnit = 0;
    this.large.length = 0;
    this.largeFree.length = 0;
    this.usedBytes = 0;
    this.reservedBytes = 0;
  }

  private newSlab(): void {
    if ((this.slabs.length + 1) << SLAB_SHIFT > LARGE_BASE) throw new RangeError('out of slab address space');
    // allocUnsafeSlow: outside Node's small-buffer pool, and the OS commits pages only as used.
    const slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    this.slabs.push(slab);
    this.slabWords.push(new Uint32Array(slab.buffer, slab.byteOffset, SLAB_BYTES >>> 2));
    this.bumpSlab = this.slabs.length - 1;
    // Unit 0 of slab 0 is never handed out, so address 0 can mean "no block".
    this.bumpUnit = this.bumpSlab === 0 ? 1 : 0;
    this.reservedBytes += SLAB_BYTES;
  }

  private allocLarge(bytes: number): number {
    const b = Buffer.allocUnsafeSlow(bytes);
    const i = this.largeFree.length > 0 ? (this.largeFree.pop() as number) : this.large.length;
    this.large[i] = b;
    this.usedBytes += bytes;
    this.reservedBytes += bytes;
    return LARGE_BASE + i;
  }
}
