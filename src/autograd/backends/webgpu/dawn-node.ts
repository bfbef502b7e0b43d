/**
 * dawn-node — WebGPU in Node: Dawn, Chrome's WebGPU implementation, prebuilt inside the npm
 * `webgpu` package (`dawn.node`, nothing downloaded). The only Node-only file of the backend: open.ts
 * imports it dynamically, and only when the runtime has no `navigator.gpu` of its own (a browser
 * has one), so a bundle for the browser never reaches it.
 *
 * tfjs-backend-webgpu reads WebGPU's globals (`GPUBufferUsage`, `GPUBuffer`, …) as a browser
 * provides them; we install Dawn's under the same names, and `navigator.gpu`.
 *
 * With no GPU, a software Vulkan driver gives an adapter: SwiftShader (Debian's chromium-common
 * ships it; VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json). docs/webgpu.md.
 */

/** Installs Dawn's WebGPU as the runtime's; throws, saying what to install, when the package is missing. */
export async function installDawn(): Promise<GPU> {
  let dawn: { create(flags: string[]): GPU; globals: object };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    throw new Error(`setBackend('webgpu'): Node has no WebGPU of its own, and the npm package 'webgpu' (Dawn) could not be loaded: ${(error as Error).message} (npm install webgpu@0.6.2)`);
  }
  const gpu = dawn.create([]);
  Object.assign(globalThis, dawn.globals);
  // Node 21+ has a `navigator` of its own (without gpu); Node 20 has none.
  const { navigator } = globalThis as { navigator?: object };
  if (typeof navigator === 'object' && navigator !== null) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}
