/**
 * Typed arrays reused from one decision to the next. Allocating one outside the JS heap costs
 * about a microsecond, as much as a small decision spends on all its arithmetic. `decide` is
 * synchronous and never re-entered, and no buffer outlives the step that took it, so reuse is
 * invisible to callers. A buffer may be longer than asked for: readers go by their own counts.
 */
export class Scratch<Buffer extends Float64Array | Int32Array | Uint8Array> {
  private buffer: Buffer;

  constructor(private readonly create: (length: number) => Buffer) {
    this.buffer = create(64);
  }

  /** At least `length` elements, with unspecified contents. */
  take(length: number): Buffer {
    if (this.buffer.length < length) this.buffer = this.create(Math.max(length, this.buffer.length * 2));
    return this.buffer;
  }

  /** At least `length` elements, the first `length` of them zero. */
  zeroed(length: number): Buffer {
    const buffer = this.take(length);
    buffer.fill(0, 0, length);
    return buffer;
  }
}

export const float64Scratch = (): Scratch<Float64Array> => new Scratch((length) => new Float64Array(length));
export const int32Scratch = (): Scratch<Int32Array> => new Scratch((length) => new Int32Array(length));
export const uint8Scratch = (): Scratch<Uint8Array> => new Scratch((length) => new Uint8Array(length));
