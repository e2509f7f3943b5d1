/**
 * Counts distinct byte strings without making a JS string per value: an open-addressing hash table whose keys
 * live in one growing byte arena. A categorical column of 5M rows costs one hash and one compare per value;
 * strings are decoded once per distinct key, at the end.
 */
export class ByteCounter {
  size = 0;
  private mask = 63;
  /** Entry index + 1 per slot; 0 is empty. */
  private slots = new Int32Array(64);
  private hashes = new Int32Array(32);
  private offsets = new Int32Array(32);
  private lengths = new Int32Array(32);
  private counts = new Float64Array(32);
  private arena = new Uint8Array(1024);
  private arenaUsed = 0;

  /** Counts the key bytes[start, end); false (and nothing counted) when it is new and `limit` keys exist. */
  add(bytes: Uint8Array, start: number, end: number, limit: number): boolean {
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const length = end - start;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) break;
      if (
        this.hashes[entry] === hash &&
        this.lengths[entry] === length &&
        this.equals(entry, bytes, start, length)
      ) {
        this.counts[entry]!++;
        return true;
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= limit) return false;
    this.insert(slot, hash, bytes, start, length);
    return true;
  }

  private equals(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const offset = this.offsets[entry]!;
    for (let i = 0; i < length; i++) if (arena[offset + i] !== bytes[start + i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, start: number, length: number): void {
    const entry = this.size++;
    if (entry === this.hashes.length) {
      const capacity = entry * 2;
      this.hashes = grow(this.hashes, new Int32Array(capacity));
      this.offsets = grow(this.offsets, new Int32Array(capacity));
      this.lengths = grow(this.lengths, new Int32Array(capacity));
      this.counts = grow(this.counts, new Float64Array(capacity));
    }
    if (this.arenaUsed + length > this.arena.length) {
      this.arena = grow(this.arena, new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length)));
    }
    this.arena.set(bytes.subarray(start, start + length), this.arenaUsed);
    this.hashes[entry] = hash;
    this.offsets[entry] = this.arenaUsed;
    this.lengths[entry] = length;
    this.counts[entry] = 1;
    this.arenaUsed += length;
    this.slots[slot] = entry + 1;
    if (this.size * 2 > this.mask) this.rehash();
  }

  private rehash(): void {
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry]! & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = entry + 1;
    }
  }

  /** Keys (decoded as UTF-8) and their counts, in first-seen order. */
  *entries(): IterableIterator<[string, number]> {
    const decoder = new TextDecoder();
    for (let entry = 0; entry < this.size; entry++) {
      const offset = this.offsets[entry]!;
      yield [decoder.decode(this.arena.subarray(offset, offset + this.lengths[entry]!)), this.counts[entry]!];
    }
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/**
 * Counts distinct numbers in typed arrays (open addressing on the value's bits): several times cheaper per
 * value than a Map, which matters for integer columns where every row is a hit.
 */
export class NumberCounter {
  size = 0;
  private mask = 63;
  private slots = new Int32Array(64);
  private keys = new Float64Array(32);
  private counts = new Float64Array(32);
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);

  /** Counts `value` (-0 counts as 0); false (and nothing counted) when it is new and `limit` values exist. */
  add(value: number, limit: number): boolean {
    if (value === 0) value = 0;
    this.bits[0] = value;
    let hash = Math.imul(this.words[0]! ^ Math.imul(this.words[1]!, 0x9e3779b1), 0x85ebca6b);
    hash ^= hash >>> 15;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) break;
      if (this.keys[entry] === value) {
        this.counts[entry]!++;
        return true;
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= limit) return false;
    const entry = this.size++;
    if (entry === this.keys.length) {
      this.keys = grow(this.keys, new Float64Array(entry * 2));
      this.counts = grow(this.counts, new Float64Array(entry * 2));
    }
    this.keys[entry] = value;
    this.counts[entry] = 1;
    this.slots[slot] = entry + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return true;
  }

  private rehash(): void {
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    for (let entry = 0; entry < this.size; entry++) {
      this.bits[0] = this.keys[entry]!;
      let hash = Math.imul(this.words[0]! ^ Math.imul(this.words[1]!, 0x9e3779b1), 0x85ebca6b);
      hash ^= hash >>> 15;
      let slot = hash & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = entry + 1;
    }
  }

  /** Values and counts, in first-seen order. */
  toMap(): Map<number, number> {
    const map = new Map<number, number>();
    for (let entry = 0; entry < this.size; entry++) map.set(this.keys[entry]!, this.counts[entry]!);
    return map;
  }
}
