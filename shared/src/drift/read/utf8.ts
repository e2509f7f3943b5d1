import { isUtf8 } from 'node:buffer';

/** Bytes of a text file that are not UTF-8: how many, and the offset of the first (from the file's start). */
export interface Utf8Findings {
  readonly invalidBytes: number;
  readonly firstOffset: number;
}

/**
 * Counts the bytes of a stream of chunks that are not UTF-8 (each byte of an ill-formed sequence counts; a
 * sequence cut at a chunk's end is joined with the next chunk). Valid chunks cost one `isUtf8` call (native,
 * many GB/s); only a chunk that fails it is scanned byte by byte.
 */
export class Utf8Check {
  private invalid = 0;
  private first = -1;
  /** Bytes of the stream before the current chunk. */
  private offset = 0;
  /** The start of a sequence cut at the previous chunk's end (at most 3 bytes). */
  private pending: Buffer | undefined;

  push(chunk: Buffer): void {
    let data = chunk;
    let base = this.offset;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      base -= this.pending.length;
      this.pending = undefined;
    }
    const complete = completeLength(data);
    const whole = data.subarray(0, complete);
    if (!isUtf8(whole)) this.scan(whole, base);
    if (complete < data.length) this.pending = Buffer.from(data.subarray(complete));
    this.offset += chunk.length;
  }

  /** The end of the stream: a sequence still cut there is ill-formed. */
  end(): Utf8Findings | undefined {
    if (this.pending) this.count(this.offset - this.pending.length, this.pending.length);
    this.pending = undefined;
    return this.invalid === 0 ? undefined : { invalidBytes: this.invalid, firstOffset: this.first };
  }

  private count(at: number, bytes: number): void {
    if (this.first < 0) this.first = at;
    this.invalid += bytes;
  }

  /** Finds the ill-formed sequences of `bytes` (Unicode's table 3-7 of well-formed UTF-8). */
  private scan(bytes: Uint8Array, base: number): void {
    let i = 0;
    while (i < bytes.length) {
      const lead = bytes[i]!;
      if (lead < 0x80) {
        i++;
        continue;
      }
      const length =
        lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
      let valid = length > 0;
      for (let k = 1; valid && k < length; k++) {
        const byte = bytes[i + k];
        const [low, high] = k === 1 ? secondByteRange(lead) : [0x80, 0xbf];
        valid = byte !== undefined && byte >= low && byte <= high;
        if (!valid) {
          // The lead and the continuation bytes before the bad one are one ill-formed sequence.
          this.count(base + i, k);
          i += k;
        }
      }
      if (valid) i += length;
      else if (length === 0) {
        this.count(base + i, 1);
        i++;
      }
    }
  }
}

/** The allowed second byte after a lead byte (narrower than 80..BF for E0, ED, F0 and F4). */
function secondByteRange(lead: number): readonly [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** Where a multi-byte sequence cut by the end of `data` starts (its length when none is cut). */
function completeLength(data: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= data.length; back++) {
    const byte = data[data.length - back]!;
    if (byte < 0x80) return data.length;
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return back < needed ? data.length - back : data.length;
    }
  }
  return data.length;
}
