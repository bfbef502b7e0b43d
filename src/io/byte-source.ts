/**
 * byte-source — where a reader takes its bytes from: a buffer in memory here, or a file read at
 * positions (`pread`, file-source.ts, Node only), so that loading never holds more of a file than
 * the part it decodes. This file uses no Node module: bytes in memory load in browsers too.
 *
 * JavaScript limits one Uint8Array to 2³² bytes and Node one read or write call to 2³¹ − 1, while
 * a Float32Array may span 16 GiB; so every transfer goes in pieces of at most `pieceBytes` (1 GiB
 * by default), each a view into the destination's own memory: nothing is copied twice.
 */

/** The most bytes one read call is given (Node refuses more than 2³¹ − 1). */
export const READ_PIECE_BYTES = 2 ** 30;

/** A readable run of bytes of known length. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly length: number;
  /** Copies bytes [position, position + byteLength) into `buffer` from `byteOffset` on. */
  readInto(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, position: number): void;
}

/**
 * The byte range [byteOffset, byteOffset + byteLength) of `buffer` as views of at most
 * `maxBytes` each, in order.
 * @example [...bytePieces(new ArrayBuffer(10), 0, 10, 4)].map((v) => v.byteLength)  // [4, 4, 2]
 */
export function* bytePieces(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, maxBytes: number): Generator<Uint8Array> {
  for (let done = 0; done < byteLength; done += maxBytes) {
    yield new Uint8Array(buffer, byteOffset + done, Math.min(maxBytes, byteLength - done));
  }
}

/** Bytes already in memory. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    length: bytes.byteLength,
    readInto(buffer, byteOffset, byteLength, position) {
      let from = position;
      for (const piece of bytePieces(buffer, byteOffset, byteLength, READ_PIECE_BYTES)) {
        piece.set(bytes.subarray(from, from + piece.byteLength));
        from += piece.byteLength;
      }
    },
  };
}
