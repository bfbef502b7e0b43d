/**
 * browser-bundle — bundles Sapling's isomorphic core (src/index.ts) for browsers with esbuild, as
 * an application's bundler would, and measures it. `src/bundle.test.ts` uses it to fail on any
 * Node built-in reachable from the core; run directly, it prints the sizes:
 *
 *   npx tsx scripts/browser-bundle.ts        (npm run size)
 *
 * The wasm backend is a dynamic import, so a bundle splits in two: what `import 'sapling'` loads
 * (the core, with the cpu backend) and what `setBackend('wasm')` loads later (Sapling's wasm
 * kernels, tfjs-core and tfjs-backend-wasm's JavaScript). The .wasm binaries are not JavaScript:
 * they are fetched by URL and listed apart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface BundledFile {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Loaded by `import 'sapling'` itself (the entry and its static imports), not by a later dynamic import. */
  readonly eager: boolean;
}

export interface BrowserBundle {
  /** Imports of Node built-ins (`node:fs`, `fs`, …) found in the bundle's inputs, as "importer → module". */
  readonly nodeImports: readonly string[];
  readonly files: readonly BundledFile[];
  /** The tfjs-wasm binaries an application serves beside the bundle. */
  readonly binaries: readonly BundledFile[];
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Bundles src/index.ts for browsers (ESM, code-splitting, minified) and measures the output. */
export async function bundleBrowserCore(): Promise<BrowserBundle> {
  const outdir = mkdtempSync(join(tmpdir(), 'sapling-browser-bundle-'));
  try {
    const result = await build({
      entryPoints: [join(root, 'src', 'index.ts')], bundle: true, platform: 'browser', format: 'esm', splitting: true,
      minify: true, metafile: true, outdir, logLevel: 'silent', target: 'es2022',
    });
    return { nodeImports: nodeImportsOf(result.metafile), files: measure(result.metafile, outdir), binaries: wasmBinaries() };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function nodeImportsOf(metafile: Metafile): string[] {
  const found: string[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const i of imports) if (NODE_BUILTINS.has(i.path) || i.external) found.push(`${input} → ${i.path}`);
  }
  return found;
}

function measure(metafile: Metafile, outdir: string): BundledFile[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined)!;
  const eager = new Set<string>();
  const visit = (file: string): void => {
    if (eager.has(file)) return;
    eager.add(file);
    for (const i of outputs[file]!.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return Object.keys(outputs).filter((k) => k.endsWith('.js')).map((k) => {
    const bytes = readFileSync(join(outdir, k.split('/').at(-1)!));
    return { name: k.split('/').at(-1)!, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, eager: eager.has(k) };
  });
}

function wasmBinaries(): BundledFile[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  return readdirSync(dir).filter((f) => f.endsWith('.wasm')).map((f) => {
    const bytes = readFileSync(join(dir, f));
    return { name: f, bytes: statSync(join(dir, f)).size, gzipBytes: gzipSync(bytes, { level: 9 }).length, eager: false };
  });
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundle = await bundleBrowserCore();
  if (bundle.nodeImports.length > 0) {
    console.error(`Node built-ins reachable from src/index.ts:\n  ${bundle.nodeImports.join('\n  ')}`);
    process.exit(1);
  }
  const sum = (files: readonly BundledFile[], key: 'bytes' | 'gzipBytes'): number => files.reduce((n, f) => n + f[key], 0);
  const core = bundle.files.filter((f) => f.eager);
  const lazy = bundle.files.filter((f) => !f.eager);
  console.log(`esbuild, platform browser, ESM, minified, split at dynamic imports (gzip -9):`);
  console.log(`  core (import 'sapling', cpu backend): ${kb(sum(core, 'bytes'))}, ${kb(sum(core, 'gzipBytes'))} gzipped, in ${core.length} files`);
  console.log(`  wasm backend, loaded by setBackend('wasm') (Sapling's kernels, tfjs-core, tfjs-backend-wasm JS): ${kb(sum(lazy, 'bytes'))}, ${kb(sum(lazy, 'gzipBytes'))} gzipped`);
  for (const b of bundle.binaries) console.log(`  ${b.name}: ${kb(b.bytes)}, ${kb(b.gzipBytes)} gzipped (one of the three is fetched)`);
}
