/**
 * test-setup — vitest's global setup for the WebGPU suites: finds out once, in a child process,
 * whether Dawn gets an adapter, and tells every test file (`inject('webgpu')`, see
 * test-adapter.ts). With none, the suites skip and this prints one line saying how to enable
 * them; with SAPLING_REQUIRE_WEBGPU=1 (.ci/run) a missing adapter fails the run instead.
 *
 * On a machine without a GPU the adapter is SwiftShader's: Debian's chromium package ships its
 * Vulkan driver at /usr/lib/chromium/vk_swiftshader_icd.json, which the Vulkan loader does not
 * look in by default, so when VK_ICD_FILENAMES is unset and that file exists we point the loader
 * at it (the test workers inherit the variable).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

const PROBE = `
import { create } from 'webgpu';
const adapter = await create([]).requestAdapter();
console.log(adapter ? JSON.stringify(adapter.info.vendor + ' ' + (adapter.info.architecture || adapter.info.device)) : 'null');
process.exit(0);
`;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WebGPU adapter the suites run on ('google swiftshader'), or null when they skip. */
    webgpu: string | null;
  }
}

export default function setup(project: TestProject): void {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], { encoding: 'utf8', timeout: 120_000 });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  const adapter = run.status === 0 && line !== 'null' && line !== '' ? (JSON.parse(line) as string) : null;
  if (adapter === null) {
    const why = 'WebGPU suites skipped: no adapter. Enable them with a Vulkan driver: apt-get install -y chromium libvulkan1 (SwiftShader, found at ' + SWIFTSHADER + '), or set VK_ICD_FILENAMES';
    if (process.env.SAPLING_REQUIRE_WEBGPU === '1') throw new Error(`${why}; SAPLING_REQUIRE_WEBGPU=1 requires them (${run.stderr.trim().split('\n').slice(-3).join(' | ')})`);
    console.log(why);
  }
  project.provide('webgpu', adapter);
}
