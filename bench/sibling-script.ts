// Where a bench script finds the scripts it starts in child processes: next to itself, as .ts when
// it runs from the sources (through tsx) and as .js when it runs from dist/ (`npm run bench`, plain
// node, where no .ts file exists), with the node arguments each needs.
import { fileURLToPath } from 'node:url';

export interface SiblingScript {
  /** Absolute path of the script to run. */
  readonly path: string;
  /** Node arguments it needs (tsx's loader for a .ts source). */
  readonly execArgv: readonly string[];
}

/** `relative` is written without extension, from the directory of `fromUrl` (an import.meta.url). */
export function siblingScript(relative: string, fromUrl: string, resolveTsx: () => string = () => import.meta.resolve('tsx')): SiblingScript {
  const fromSources = fromUrl.endsWith('.ts');
  return {
    path: fileURLToPath(new URL(`${relative}${fromSources ? '.ts' : '.js'}`, fromUrl)),
    execArgv: fromSources ? ['--import', resolveTsx()] : [],
  };
}
