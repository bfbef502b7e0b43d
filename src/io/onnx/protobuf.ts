/**
 * protobuf — the few pieces of Protocol Buffers' wire format an ONNX file needs, written by hand.
 *
 * A message is a sequence of fields; each field starts with a key, varint(field number · 8 + wire
 * type), then its value: wire type 0 is a varint (ints, enums), 2 is length-delimited (a varint
 * byte count, then bytes: strings, raw tensor data, nested messages), 5 is 4 little-endian bytes
 * (float). A varint stores 7 bits per byte, low bits first, with the top bit set on every byte
 * but the last; a negative int64 is its two's complement, so it always takes 10 bytes. Repeated
 * fields are simply written once per element (proto2's unpacked form, which onnx.proto uses and
 * every parser reads). https://protobuf.dev/programming-guides/encoding/
 */

/** Collects the bytes of one message; nested messages are encoded first and written as bytes. */
export class ProtoWriter {
  #chunks: Uint8Array[] = [];
  #scratch: number[] = [];
  #length = 0;

  #flushScratch(): void {
    if (this.#scratch.length === 0) return;
    this.#push(Uint8Array.from(this.#scratch));
    this.#scratch = [];
  }

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.byteLength;
  }

  #varint(value: bigint): void {
    let v = BigInt.asUintN(64, value); // two's complement for negatives, as protobuf's int64
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.#scratch.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
  }

  #key(field: number, wireType: 0 | 2 | 5): void {
    this.#varint(BigInt(field * 8 + wireType));
  }

  /** An int32, int64 or enum field (wire type 0). */
  int(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`protobuf: field ${field} needs an integer, got ${value}`);
    this.#key(field, 0);
    this.#varint(BigInt(value));
    return this;
  }

  /** A float field (wire type 5): 4 little-endian bytes of the float32 nearest to `value`. */
  float(field: number, value: number): this {
    this.#key(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#scratch.push(...bytes);
    return this;
  }

  /** A bytes or nested-message field (wire type 2). */
  bytes(field: number, value: Uint8Array): this {
    this.#key(field, 2);
    this.#varint(BigInt(value.byteLength));
    this.#flushScratch();
    this.#push(value);
    return this;
  }

  /** A string field: its UTF-8 bytes. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** The message's bytes, in the order the fields were written. */
  finish(): Uint8Array {
    this.#flushScratch();
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }
}
