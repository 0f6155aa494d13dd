// Status lines like kind's (cli/status.go): `• title …`, then `✓ host (1.2s)` or `✗ host: reason`
// per host as each finishes. Colour only on a TTY; plain lines otherwise (CI logs, pipes).
export interface Reporter {
  step(title: string): void;
  ok(who: string, ms: number, note?: string): void;
  fail(who: string, ms: number, reason: string): void;
  line(text: string): void;
  warn(text: string): void;
}

export function formatSeconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)}s`
    : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function consoleReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const paint = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
  const write = (s: string) => stream.write(`${s}\n`);
  return {
    step: (title) => write(`${paint('1', '•')} ${title} …`),
    ok: (who, ms, note) =>
      write(`  ${paint('32', '✓')} ${who} (${formatSeconds(ms)})${note ? ` ${paint('2', note)}` : ''}`),
    fail: (who, ms, reason) => write(`  ${paint('31', '✗')} ${who}: ${reason} (${formatSeconds(ms)})`),
    line: (text) => write(text),
    warn: (text) => write(paint('33', text)),
  };
}

/** Collects lines in memory (tests, and commands that print after deciding). */
export function memoryReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step: (t) => lines.push(`• ${t} …`),
    ok: (w, _ms, n) => lines.push(`✓ ${w}${n ? ` ${n}` : ''}`),
    fail: (w, _ms, r) => lines.push(`✗ ${w}: ${r}`),
    line: (t) => lines.push(t),
    warn: (t) => lines.push(t),
  };
}
