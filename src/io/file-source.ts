/**
 * file-source — a file read at positions (`pread`), as a ByteSource (byte-source.ts), so that
 * loading never holds more of a file than the part it decodes. Node only (node:fs).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { bytePieces, READ_PIECE_BYTES, type ByteSource } from './byte-source.js';

/** An open file read at positions; `close()` it when done. */
export interface FileSource extends ByteSource {
  close(): void;
}

/** Opens `path` for positioned reads. A file that shrinks while being read is an error. */
export function openFileSource(path: string, pieceBytes = READ_PIECE_BYTES): FileSource {
  const fd = openSync(path, 'r');
  let length: number;
  try {
    length = fstatSync(fd).size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    length,
    readInto(buffer, byteOffset, byteLength, position) {
      let at = position;
      for (const piece of bytePieces(buffer, byteOffset, byteLength, pieceBytes)) {
        for (let done = 0; done < piece.byteLength; ) {
          const read = readSync(fd, piece, done, piece.byteLength - done, at + done);
          if (read === 0) throw new Error(`${path} ended at byte ${at + done} while being read (it was ${length} bytes long): another process changed it`);
          done += read;
        }
        at += piece.byteLength;
      }
    },
    close: () => closeSync(fd),
  };
}
