/**
 * Entries: one fixed-size record per key, in typed-array chunks outside the JavaScript heap.
 *
 * A record is what Redis keeps in a dictEntry plus its robj header: the key's hash and bytes, the
 * next entry of its hash chain, the value (bytes in the Heap for strings, a handle to a JS object
 * for collections), its type, encoding hints and LRU clock, and its slot in the expiry set.
 * Records are addressed by a 32-bit id; chunks of 64K records are added as needed, so growing
 * never copies what exists, and freed ids are reused through a free list. Short keys and
 * values are kept in the record itself (see INLINE_KEY_MAX).
 */

export const ENTRY_WORDS = 15;
export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;
export const CHUNK_MASK = CHUNK_SIZE - 1;

// Word offsets within a record.
export const HASH = 0;
export const NEXT = 1; // next entry in the hash chain; on a free record, the next free id
export const KEY_ADDR = 2;
export const KEY_LEN = 3;
export const VALUE = 4; // Heap address of a string's bytes, or an object handle
export const VALUE_LEN = 5; // string length in bytes
export const META = 6; // type (bits 28-31) | flags (bits 24-27) | LRU/LFU clock (bits 0-23)
export const EXPIRE_SLOT = 7; // slot in the database's expiry set, 0 when the key has no TTL
export const VALUE_CAP = 8; // bytes reserved for a string's value block; 0 when held inline
export const KEY_INLINE = 9; // words 9-12: the key's bytes when it has at most INLINE_KEY_MAX
export const VALUE_INLINE = 13; // words 13-14: a string's bytes when it has at most INLINE_VALUE_MAX

/**
 * Short keys and values live inside the record itself: a lookup then reads one cache line
 * instead of following the record to a key block and a value block elsewhere (each a likely
 * cache miss). A key is inline exactly when KEY_LEN <= INLINE_KEY_MAX; a string value exactly
 * when VALUE_CAP is 0 (a Heap block always has a capacity).
 */
export const INLINE_KEY_MAX = 16;
export const INLINE_VALUE_MAX = 8;

/** Value types (Redis's OBJ_* numbering is not needed on the wire; RDB maps these itself). */
export const enum ValueType {
  None = 0,
  String = 1,
  List = 2,
  Set = 3,
  ZSet = 4,
  Hash = 5,
  Stream = 6,
  Module = 7,
}

/** Flags in META bits 24-27. */
export const enum EntryFlag {
  /** The string was modified in place (APPEND, SETRANGE): Redis reports it as "raw". */
  RawEncoding = 1,
  /** The string was not made by tryObjectEncoding (INCRBYFLOAT): never "int", even if numeric. */
  NotIntEncoded = 2,
  /**
   * A COPY of a small-integer string: Redis's dupStringObject gives the copy an object of its
   * own, so OBJECT REFCOUNT says 1 where the original says 2147483647 (a shared integer).
   */
  Unshared = 4,
  /**
   * A collection in its compact form: VALUE/VALUE_LEN/VALUE_CAP hold a listpack or intset image
   * in the Heap exactly as they hold a string's bytes (Redis's OBJ_ENCODING_LISTPACK/INTSET).
   * Without it a collection's VALUE is an ObjectTable handle.
   */
  Packed = 8,
}

/** Does an entry with this META word keep its value's bytes in the Heap (string or packed)? */
export function valueInHeap(meta: number): boolean {
  return meta >>> 28 === ValueType.String || ((meta >>> 24) & EntryFlag.Packed) !== 0;
}

export const LRU_BITS = 24;
export const LRU_MASK = (1 << LRU_BITS) - 1;

export class Entries {
  readonly chunks: Uint32Array[] = [];
  /** The same memory as `chunks`, as bytes: where inline keys and values are read and written. */
  readonly chunkBytes: Buffer[] = [];
  private freeHead = 0;
  private nextFresh = 1; // id 0 means "no entry"
  live = 0;

  /** The chunk holding entry `id`; index it with base(id) + a word offset. */
  chunk(id: number): Uint32Array {
    return this.chunks[id >>> CHUNK_SHIFT];
  }

  /** Every id handed out so far is below this. */
  get idLimit(): number {
    return this.nextFresh;
  }

  /** Told of each record handed out, while a background save needs to know (background-save.ts). */
  onAllocate: ((id: number) => void) | null = null;

  allocate(): number {
    let id = this.freeHead;
    if (id !== 0) {
      const c = this.chunks[id >>> CHUNK_SHIFT];
      this.freeHead = c[(id & CHUNK_MASK) * ENTRY_WORDS + NEXT];
    } else {
      id = this.nextFresh++;
      if (id >>> CHUNK_SHIFT >= this.chunks.length) {
        if (id > 0xfffffffe) throw new RangeError('entry id space exhausted');
        const chunk = new Uint32Array(CHUNK_SIZE * ENTRY_WORDS);
        this.chunks.push(chunk);
        this.chunkBytes.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    }
    const c = this.chunks[id >>> CHUNK_SHIFT];
    const o = (id & CHUNK_MASK) * ENTRY_WORDS;
    c.fill(0, o, o + ENTRY_WORDS);
    this.live++;
    if (this.onAllocate !== null) this.onAllocate(id);
    return id;
  }

  release(id: number): void {
    const c = this.chunks[id >>> CHUNK_SHIFT];
    const o = (id & CHUNK_MASK) * ENTRY_WORDS;
    c[o + META] = 0;
    c[o + NEXT] = this.freeHead;
    this.freeHead = id;
    this.live--;
  }

  /** The bytes of entry `id`'s chunk; its inline key starts at keyInlineOffset(id). */
  bytes(id: number): Buffer {
    return this.chunkBytes[id >>> CHUNK_SHIFT];
  }

  clear(): void {
    this.chunks.length = 0;
    this.chunkBytes.length = 0;
    this.freeHead = 0;
    this.nextFresh = 1;
    this.live = 0;
  }

  get reservedBytes(): number {
    return this.chunks.length * CHUNK_SIZE * ENTRY_WORDS * 4;
  }
}

/** Word offset of entry `id` within its chunk. */
export function base(id: number): number {
  return (id & CHUNK_MASK) * ENTRY_WORDS;
}

/** Byte offset of entry `id`'s inline key within its chunk's bytes. */
export function keyInlineOffset(id: number): number {
  return ((id & CHUNK_MASK) * ENTRY_WORDS + KEY_INLINE) * 4;
}

/** Byte offset of entry `id`'s inline string value within its chunk's bytes. */
export function valueInlineOffset(id: number): number {
  return ((id & CHUNK_MASK) * ENTRY_WORDS + VALUE_INLINE) * 4;
}
