/**
 * withSharedMemoryImport: the rewritten modules link to a shared memory (as tfjs-wasm's threaded
 * build has in a cross-origin isolated page) and compute what the originals compute on a plain
 * one; the originals refuse a shared memory, which is why the rewrite exists.
 */
import { expect, test } from 'vitest';
import { COL2IM_WASM } from './col2im.wasm.js';
import { CONV_NCHW_WASM } from './conv-nchw.wasm.js';
import { withSharedMemoryImport } from './shared-import.js';

interface Wasm {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  LinkError: new () => Error;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
const bytesOf = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

test('the rewritten conv-nchw module transposes on a shared memory exactly as the original does on a plain one', () => {
  const results: number[][] = [];
  for (const shared of [false, true]) {
    const memory = new wasm.Memory(shared ? { initial: 1, maximum: 16, shared: true } : { initial: 1 });
    const bytes = bytesOf(CONV_NCHW_WASM);
    const module = new wasm.Module(shared ? withSharedMemoryImport(bytes) : bytes);
    const { transpose } = new wasm.Instance(module, { env: { memory } }).exports as { transpose: (src: number, dst: number, R: number, C: number, ss: number, ds: number) => void };
    const src = new Float32Array(memory.buffer, 64, 6);
    src.set([1, 2, 3, 4, 5, 6]); // 2 × 3
    transpose(64, 256, 2, 3, 3, 2);
    results.push(Array.from(new Float32Array(memory.buffer, 256, 6)));
  }
  expect(results[0]).toEqual([1, 4, 2, 5, 3, 6]);
  expect(results[1]).toEqual(results[0]);
});

test('the originals refuse a shared memory; every module survives the rewrite and stays valid', () => {
  const memory = new wasm.Memory({ initial: 1, maximum: 16, shared: true });
  for (const base64 of [COL2IM_WASM, CONV_NCHW_WASM]) {
    expect(() => new wasm.Instance(new wasm.Module(bytesOf(base64)), { env: { memory } })).toThrow(/memory|shared/i);
    const rewritten = withSharedMemoryImport(bytesOf(base64));
    expect(rewritten.length).toBe(bytesOf(base64).length + 3); // flag 0x00 → 0x03 and a 3-byte maximum of 65536 pages
    expect(() => new wasm.Instance(new wasm.Module(rewritten), { env: { memory } })).not.toThrow();
  }
});
