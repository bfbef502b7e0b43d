/**
 * TypeDoc 0.28 drives TypeScript's JavaScript compiler API, which TypeScript 7 (the repository's
 * compiler, native) no longer ships. So `npm run docs` loads this file first (`node --import`):
 * it registers a resolve hook under which TypeDoc's own `import ts from "typescript"` gets the
 * `typescript-6` devDependency (npm:typescript@6.0.3), and nothing else changes.
 */
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/typedoc/')) return next('typescript-6', context);
  return next(specifier, context);
}`)}`,
);
