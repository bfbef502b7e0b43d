/**
 * No import cycle inside src/: the value imports of every file, read with the TypeScript
 * compiler's own parser, form a graph without cycles, so each module can be read (and loaded)
 * after the modules it imports.
 *
 * TypeScript 7's compiler runs natively; its JavaScript API (`typescript/unstable/sync`) opens
 * the project of tsconfig.json in that process and hands back each file's syntax tree. An edge
 * is an `import … from` or `export … from` of a relative path that the emitted JavaScript keeps:
 * not `import type` / `export type`, and — because tsconfig sets `verbatimModuleSyntax`, under
 * which `import { type A } from './a.js'` is emitted as `import {} from './a.js'` and still
 * loads ./a — an import whose named bindings are all `type` counts too. Dynamic `import()` is
 * not an edge: it loads on demand, after the importing module has finished loading (that is how
 * the wasm backend stays out of `import 'sapling'`).
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { API } from 'typescript/unstable/sync';
import { SyntaxKind, type Node, type SourceFile } from 'typescript/unstable/ast';

const root = dirname(fileURLToPath(import.meta.url));

/** The relative module specifiers `file` loads when it runs, resolved to .ts paths. */
function valueImports(file: SourceFile): string[] {
  const out: string[] = [];
  for (const statement of file.statements as readonly Node[]) {
    let specifier: Node | undefined;
    let typeOnly = false;
    if (statement.kind === SyntaxKind.ImportDeclaration) {
      const s = statement as Node & { moduleSpecifier: Node; importClause?: { isTypeOnly: boolean } };
      specifier = s.moduleSpecifier;
      typeOnly = s.importClause?.isTypeOnly ?? false;
    } else if (statement.kind === SyntaxKind.ExportDeclaration) {
      const s = statement as Node & { moduleSpecifier?: Node; isTypeOnly: boolean };
      specifier = s.moduleSpecifier;
      typeOnly = s.isTypeOnly;
    }
    if (specifier === undefined || typeOnly || specifier.kind !== SyntaxKind.StringLiteral) continue;
    const text = (specifier as Node & { text: string }).text;
    if (!text.startsWith('.')) continue;
    out.push(resolve(dirname(file.fileName), text.replace(/\.js$/, '.ts')));
  }
  return out;
}

/** Every cycle's members (strongly connected components of more than one file, or a self-import), by Tarjan's algorithm. */
function cyclesOf(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return components;
}

/** The value-import graph of every .ts file under src/, read once by the compiler. */
function importGraph(): Map<string, string[]> {
  const api = new API({ cwd: join(root, '..') });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [join(root, '..', 'tsconfig.json')] });
    const program = snapshot.getProjects()[0]!.program;
    const files = program.getSourceFileNames().filter((f) => f.startsWith(root + '/') && f.endsWith('.ts'));
    const edges = new Map<string, string[]>();
    for (const f of files) edges.set(f, valueImports(program.getSourceFile(f)!).filter((t) => files.includes(t)));
    return edges;
  } finally {
    api.close();
  }
}

const graph = importGraph();

test('no file under src/ is part of a cycle of value imports', () => {
  expect(graph.size).toBeGreaterThan(100);
  // the walk sees real edges: the public index loads the autograd package, which loads the engine
  expect(graph.get(join(root, 'index.ts'))).toContain(join(root, 'autograd', 'index.ts'));
  const cycles = cyclesOf(graph).map((c) => c.map((f) => relative(root, f)).sort());
  expect(cycles, `import cycles among ${graph.size} files:\n${cycles.map((c) => `  ${c.join(', ')}`).join('\n')}`).toEqual([]);
});

test('one-way imports: cpu and the package index never load the wasm backend, and a wasm worker thread loads no tensor, op or graph', () => {
  const reach = (from: string): string[] => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      for (const next of graph.get(stack.pop()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return [...seen].map((f) => relative(root, f));
  };
  const backends = 'autograd/backends/';
  expect(reach(join(root, backends, 'cpu', 'index.ts')).filter((f) => f.startsWith(backends + 'wasm/'))).toEqual([]);
  expect(reach(join(root, 'index.ts')).filter((f) => f.startsWith(backends + 'wasm/'))).toEqual([]); // the package loads wasm/ only by a dynamic import
  const worker = reach(join(root, backends, 'wasm', 'worker.ts'));
  expect(worker).toContain(backends + 'wasm/shares/index.ts');
  expect(worker.filter((f) => /^autograd\/(tensor|function|engine)\.ts$|^autograd\/ops\//.test(f))).toEqual([]);
});

test('the walk finds a cycle when there is one', () => {
  const edges = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']]]);
  expect(cyclesOf(edges).map((c) => c.sort())).toEqual([['a', 'b', 'c'], ['e']]);
});
