// Stack traces that name our TypeScript files, read from the bundle's source map only when a
// stack is printed.
//
// The nodes run one bundled file, /opt/nodekube/bin/nodekube-agent.cjs, with its source map beside
// it. Node's --enable-source-maps reads and parses that map as the bundle loads, in every agent,
// whether or not a stack is ever printed: an idle scheduler held 90-91 MiB of RSS with it against
// 58 without, and 72 with the sources' text left out of the map (scripts/build.mjs now leaves it
// out); the apiserver and controller-manager alike (bench/results/2026-12-03-vm-source-maps.json).
// That is ~30 MiB in every agent on every node, for stack traces a healthy cluster seldom prints.
// Here V8's formatting hook maps each frame in the bundle back to its source line; the map is read
// on the first stack formatted and dropped a minute after the last, so a burst of errors reads it
// once.

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/** How long a read map is kept after the last stack it mapped. */
export const MAP_KEPT_MS = 60_000;

/** `../../agents/scheduler/queue.ts` (a source as the map names it) → `agents/scheduler/queue.ts`. */
export const repoPath = (source: string): string => source.replace(/^(?:\.\.\/)+/, '');

/**
 * What V8 writes before the frames: `TypeError: message`, as Error.prototype.toString has it for
 * any object (Error.captureStackTrace takes plain ones too: `{}` heads its stack with `Error`).
 */
function heading(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/**
 * From now on, frames in `bundle` print as the source file, line and column the map names.
 * Frames it does not cover, and every frame when the map cannot be read, print as V8 has them.
 */
export function mapStackTraces(bundle: string, mapFile = `${bundle}.map`): void {
  let map: SourceMap | null | undefined; // null: tried and could not
  let release: NodeJS.Timeout | undefined;
  /** The map, read if it is not held; held MAP_KEPT_MS more from now. */
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    if (release) release.refresh();
    else
      release = setTimeout(() => {
        map = undefined;
        release = undefined;
      }, MAP_KEPT_MS).unref();
    return map;
  };

  const frameText = (frame: NodeJS.CallSite, sources: SourceMap | null): string => {
    const text = frame.toString();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!sources || frame.getFileName() !== bundle || line === null || column === null) return text;
    const entry = sources.findEntry(line - 1, column - 1);
    if (!('originalSource' in entry)) return text;
    const at = `${repoPath(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return text.replace(`${bundle}:${line}:${column}`, at);
  };

  Error.prepareStackTrace = (error, frames) => {
    // The map is looked up once per stack, and only for a stack that passes through the bundle.
    const sources = frames.some((f) => f.getFileName() === bundle) ? sourceMap() : null;
    return heading(error) + frames.map((f) => `\n    at ${frameText(f, sources)}`).join('');
  };
}

/** Map stack traces when this process runs from a bundle with its map beside it (the nodes do). */
export function mapStackTracesOfBundle(script = process.argv[1] ?? ''): boolean {
  if (!script.endsWith('.cjs') || !existsSync(`${script}.map`)) return false;
  mapStackTraces(script);
  return true;
}
