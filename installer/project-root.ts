// Where the project folder is (dist/, the Vagrantfile, vagrant_config.yml, .nodekube/): found
// from the running script, not the shell's cwd, so `./bin/nodekube ssh minion1 -- …` works from
// any directory. `--root` still overrides it.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `start` holding both a Vagrantfile and a package.json. */
export function findProjectRoot(
  start: string,
  exists: (p: string) => boolean = existsSync,
): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (exists(join(dir, 'Vagrantfile')) && exists(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The project folder of the running CLI (dist/bin/nodekube.cjs or installer/main.ts), else the cwd. */
export function defaultRoot(script = process.argv[1]): string {
  const start = script && existsSync(script) ? dirname(realpathSync(script)) : process.cwd();
  return findProjectRoot(start) ?? process.cwd();
}
