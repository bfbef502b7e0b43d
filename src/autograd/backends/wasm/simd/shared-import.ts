/**
 * shared-import — a module's memory import made `shared`, so the same bytes link to a shared
 * WebAssembly.Memory. tfjs-wasm's threaded build (a browser page that is cross-origin isolated)
 * keeps its heap in shared memory, and our SIMD modules run on that heap (heap.ts); a module whose
 * import says `(memory 1)` refuses a shared memory, one that says `(memory 1 65536 shared)`
 * refuses a plain one. Rather than keep two copies of every module, we rewrite the import section
 * of the binary (WebAssembly core spec §5.5.5): each memory import's limits `0x00 min` or
 * `0x01 min max` become `0x03 min max`, with max 65536 pages (4 GiB) when it had none — the
 * widest limits, so any heap links. Nothing else in the module changes.
 */

const MAX_PAGES = 65536;

function readLeb(bytes: Uint8Array, at: number): [value: number, length: number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = bytes[i++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, i - at];
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const byte = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? byte | 0x80 : byte);
  } while (v > 0);
  return out;
}

/** The module `bytes` with every memory import declared shared (other sections copied as they are). */
export function withSharedMemoryImport(bytes: Uint8Array): Uint8Array {
  const out: number[] = Array.from(bytes.subarray(0, 8)); // magic and version
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++]!;
    const [size, sizeLength] = readLeb(bytes, at);
    at += sizeLength;
    const payload = bytes.subarray(at, at + size);
    at += size;
    const body = id === 2 ? sharedImports(payload) : Array.from(payload);
    out.push(id, ...leb(body.length));
    for (const b of body) out.push(b);
  }
  return Uint8Array.from(out);
}

function sharedImports(p: Uint8Array): number[] {
  const out: number[] = [];
  const copy = (from: number, to: number): void => {
    for (let k = from; k < to; k++) out.push(p[k]!);
  };
  const [count, countLength] = readLeb(p, 0);
  let i = countLength;
  copy(0, i);
  for (let e = 0; e < count; e++) {
    for (let name = 0; name < 2; name++) { // module name, then field name
      const [length, l] = readLeb(p, i);
      copy(i, i + l + length);
      i += l + length;
    }
    const kind = p[i++]!;
    out.push(kind);
    if (kind === 0) { // function: a type index
      const [, l] = readLeb(p, i);
      copy(i, i + l);
      i += l;
    } else if (kind === 3) { // global: value type and mutability
      copy(i, i + 2);
      i += 2;
    } else { // table (a reference type, then limits) or memory (limits)
      if (kind === 1) out.push(p[i++]!);
      const flag = p[i++]!;
      const [min, l] = readLeb(p, i);
      i += l;
      let max: number | null = null;
      if (flag & 1) {
        const [m, l2] = readLeb(p, i);
        max = m;
        i += l2;
      }
      if (kind === 2) out.push(0x03, ...leb(min), ...leb(max ?? MAX_PAGES));
      else out.push(flag, ...leb(min), ...(max === null ? [] : leb(max)));
    }
  }
  return out;
}
