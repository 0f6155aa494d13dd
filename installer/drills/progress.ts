// The live view on stderr. On a TTY one status line is redrawn twice a second: the phase, the
// time since the fault, what is awaited and, when we know it, when it should come ("expected
// ~+45s, 12s to go"). Otherwise (pipes, CI logs) a plain line per phase change. Milestones are
// printed as lines in both cases, so the scrollback tells the story.
export interface Progress {
  /** Phase before the fault (no clock yet). */
  step(text: string): void;
  /** Start the clock: times shown from here on are seconds from the fault. */
  fault(at: number, what: string): void;
  /** Now waiting for something, perhaps expected at +`expectedS` from the fault. */
  await(what: string, expectedS?: number): void;
  milestone(text: string): void;
  note(text: string): void;
  stop(): void;
}

export function statusLine(p: { what: string; elapsedS: number | null; expectedS?: number }): string {
  const clock = p.elapsedS === null ? '' : ` +${p.elapsedS.toFixed(1)}s`;
  let eta = '';
  if (p.expectedS !== undefined && p.elapsedS !== null) {
    const left = p.expectedS - p.elapsedS;
    eta =
      left > 0
        ? ` (expected ~+${Math.round(p.expectedS)}s, ${Math.ceil(left)}s to go)`
        : ` (expected ~+${Math.round(p.expectedS)}s, late)`;
  }
  return `${p.what}${clock}${eta}`;
}

export function progressView(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): Progress {
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  let faultAt: number | null = null;
  let current: { what: string; expectedS?: number } | null = null;
  const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let frame = 0;
  const elapsed = () => (faultAt === null ? null : (now() - faultAt) / 1000);
  const clear = () => tty && stream.write('\r\x1b[K');
  const draw = () => {
    if (!tty || !current) return;
    frame = (frame + 1) % spinner.length;
    stream.write(
      `\r\x1b[K\x1b[36m${spinner[frame]}\x1b[0m ${statusLine({ ...current, elapsedS: elapsed() })}`,
    );
  };
  const timer = tty ? setInterval(draw, 500) : undefined;
  timer?.unref();
  const line = (s: string) => {
    clear();
    stream.write(`${s}\n`);
    draw();
  };
  const stamp = () => {
    const e = elapsed();
    return e === null ? '' : `[+${e.toFixed(1)}s] `;
  };
  return {
    step(text) {
      current = { what: text };
      line(`• ${text} …`);
    },
    fault(at, what) {
      faultAt = at;
      line(`${tty ? '\x1b[31m⚡\x1b[0m' : '!'} [+0.0s] fault: ${what}`);
    },
    await(what, expectedS) {
      current = { what: `waiting for ${what}`, expectedS };
      if (!tty)
        line(
          `  ${stamp()}${statusLine({ what: `waiting for ${what}`, elapsedS: null })}${expectedS !== undefined ? ` (expected ~+${Math.round(expectedS)}s)` : ''}`,
        );
      else draw();
    },
    milestone(text) {
      line(`  ${tty ? '\x1b[32m✓\x1b[0m' : '✓'} ${stamp()}${text}`);
    },
    note(text) {
      line(`  ${stamp()}${text}`);
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
