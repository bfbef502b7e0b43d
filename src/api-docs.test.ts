/**
 * Every exported symbol has a doc comment, so the API reference (`npm run docs`, TypeDoc) has a
 * sentence for each entry. The exports are walked with the TypeScript compiler's own checker
 * (TypeScript 7's `typescript/unstable/sync`, as import-cycles.test.ts opens it): from
 * src/index.ts ('sapling') and src/utils/index.ts ('sapling/utils'), through every re-export
 * and into the namespaces (`optim.*`, `metrics.*`, …). Also: each exported class has a comment
 * on the class itself (not only on a merged interface), and every public member of Tensor —
 * its own and the fluent methods of TensorMethods — has one.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { SyntaxKind } from 'typescript/unstable/ast';
import { API, SymbolFlags, type Symbol as TsSymbol } from 'typescript/unstable/sync';

const root = dirname(fileURLToPath(import.meta.url));
const ENTRY_POINTS = { sapling: 'node.ts', 'sapling/utils': 'utils/index.ts' } as const; // node.ts: index.ts and the Node-only names

interface Findings {
  readonly exported: number;
  readonly undocumented: string[];
  readonly classesWithoutComment: string[];
  readonly tensorMembers: number;
  readonly undocumentedTensorMembers: string[];
}

function findings(): Findings {
  const api = new API({ cwd: join(root, '..') });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [join(root, '..', 'tsconfig.json')] });
    const project = snapshot.getProjects()[0]!;
    const { checker, program } = project;
    const where = (s: TsSymbol): string => {
      const path = s.declarations[0]?.path;
      return path ? relative(root, path) : '?';
    };
    const resolved = (s: TsSymbol): TsSymbol => (s.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
    const undocumented: string[] = [];
    const classesWithoutComment: string[] = [];
    const seen = new Set<string>();
    let exported = 0;
    let tensor: TsSymbol | undefined;
    const visit = (prefix: string, exports: readonly TsSymbol[]): void => {
      for (const s of exports) {
        const target = resolved(s);
        const name = `${prefix}${s.name}`;
        if (seen.has(name)) continue;
        seen.add(name);
        exported++;
        if (name === 'sapling: Tensor') tensor = target;
        // A namespace re-export (`export * as optim`): its members are the exports to check.
        if (target.flags & SymbolFlags.ValueModule && !(target.flags & (SymbolFlags.Class | SymbolFlags.Function))) {
          visit(`${name}.`, checker.getExportsOfModule(target));
          continue;
        }
        if (!checker.getDocumentationCommentOfSymbol(target).trim()) undocumented.push(`${name}  (${where(target)})`);
        if (target.flags & SymbolFlags.Class) {
          const declaration = target.declarations.find((d) => d.kind === SyntaxKind.ClassDeclaration)?.resolve();
          if (!declaration?.jsDoc?.length) classesWithoutComment.push(`${name}  (${where(target)})`);
        }
      }
    };
    for (const [name, file] of Object.entries(ENTRY_POINTS)) {
      const source = program.getSourceFile(join(root, file));
      const module = source && checker.getSymbolAtLocation(source);
      if (!module) throw new Error(`api-docs: cannot open ${file}`);
      visit(`${name}: `, checker.getExportsOfModule(module));
    }
    if (!tensor) throw new Error('api-docs: Tensor is not exported from src/index.ts');
    const members = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(tensor)).filter((m) => !m.name.startsWith('__#')); // not #private fields
    const undocumentedTensorMembers = members.filter((m) => !checker.getDocumentationCommentOfSymbol(m).trim()).map((m) => m.name);
    return { exported, undocumented, classesWithoutComment, tensorMembers: members.length, undocumentedTensorMembers };
  } finally {
    api.close();
  }
}

const found = findings();

test('every symbol exported by sapling and sapling/utils has a doc comment', () => {
  expect(found.exported).toBeGreaterThan(700); // the walk reaches the namespaces, not just the index
  expect(found.undocumented, `exports without a doc comment (write one: a sentence, and an @example where it helps):\n  ${found.undocumented.join('\n  ')}`).toEqual([]);
});

test('every exported class has a doc comment on the class itself', () => {
  expect(found.classesWithoutComment, `classes without a comment of their own:\n  ${found.classesWithoutComment.join('\n  ')}`).toEqual([]);
});

test('every public member of Tensor, fluent methods included, has a doc comment', () => {
  expect(found.tensorMembers).toBeGreaterThan(70);
  expect(found.undocumentedTensorMembers, `Tensor members without a doc comment (src/autograd/tensor.ts): ${found.undocumentedTensorMembers.join(', ')}`).toEqual([]);
});
