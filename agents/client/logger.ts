// The small logging surface the client machinery needs. Components pass their own logger;
// the default writes one timestamped line to stderr, like klog's `I1122 05:43:00 …` lines.

export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

export function defaultLogger(scope: string): Logger {
  const line = (level: string, msg: string) =>
    process.stderr.write(`${level} ${new Date().toISOString()} ${scope}: ${msg}\n`);
  return { info: (m) => line('I', m), error: (m) => line('E', m) };
}
