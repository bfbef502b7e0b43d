/**
 * open — finding a WebGPU adapter and opening the device Sapling and tfjs-backend-webgpu share.
 * In a browser `navigator.gpu` is there already (Chromium needs a GPU, or --enable-unsafe-webgpu
 * for its SwiftShader fallback); in Node we install Dawn first (dawn-node.ts, imported only
 * then, by a URL made at run time, as the wasm backend's Node host is). tfjs's `WebGPUBackend` is built on our device with our pool in place of its own, and
 * offered to tfjs as its 'webgpu' backend, so raw tfjs code in the same process (the benchmarks)
 * runs on the same adapter.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { BufferPool } from './pool.js';
import type { Gpu } from './gpu.js';
import type { TfjsWebGpu } from './tfjs-internals.js';

/** How to get an adapter where none was found: what docs/webgpu.md says at length. */
const NO_ADAPTER =
  "setBackend('webgpu'): no WebGPU adapter. In Node, Dawn needs a Vulkan driver: on a machine without a GPU, install SwiftShader's " +
  '(apt-get install chromium libvulkan1) and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json; in Chromium without a GPU, start it with --enable-unsafe-webgpu';

/** The runtime's WebGPU entry point, installing Dawn's in Node. */
async function navigatorGpu(): Promise<GPU> {
  const { navigator } = globalThis as { navigator?: { gpu?: GPU } };
  if (navigator?.gpu !== undefined) return navigator.gpu;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) throw new Error(NO_ADAPTER);
  // Dawn's loader beside this file (from source, dawn-node.ts; built, dawn-node.js), by a URL made at
  // run time, which bundlers leave alone: a bundle for browsers never reaches Node's modules.
  const url = new URL(import.meta.url.endsWith('.ts') ? './dawn-node.ts' : './dawn-node.js', import.meta.url).href;
  const dawn = (await import(/* @vite-ignore */ url)) as { installDawn(): Promise<GPU> };
  return dawn.installDawn();
}

/** Opens the device, or throws naming what to install. */
export async function openGpu(): Promise<Gpu> {
  const adapter = await (await navigatorGpu()).requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error(NO_ADAPTER);
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  // tfjs-backend-webgpu reads WebGPU's globals when it loads: import it only now.
  const tf: typeof TF = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const backend = new WebGPUBackend(device, adapter.info);
  const tfjs = backend as unknown as TfjsWebGpu;
  const pool = new BufferPool(device);
  tfjs.bufferManager.dispose();
  tfjs.bufferManager = pool;
  const submit = tfjs.submitQueue.bind(tfjs);
  tfjs.submitQueue = () => {
    pool.submitted(); // every command that read a released buffer is in this submit
    submit();
  };
  // tfjs registered a factory of its own, which would open a second device (findBackend would run it).
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 0);
  const info = adapter.info;
  return { device, tfjs, pool, adapter: `${info.vendor} ${info.architecture || info.device || info.description}`.trim() };
}
