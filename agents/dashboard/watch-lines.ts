// A watch body is newline-delimited JSON, and the network cuts it anywhere: an event can arrive
// in pieces, or several in one chunk. `splitLines` returns the complete lines so far and keeps
// the unfinished tail for the next chunk.

export function splitLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (pending + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((l) => l.trim()).filter((l) => l.length > 0), rest };
}
