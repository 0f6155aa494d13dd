import { describe, expect, it } from 'vitest';
import { createLogger, formatValue, type LoggerOptions } from './log';

const at = new Date('2026-11-22T05:40:01.123Z');

function capture(opts: LoggerOptions = {}) {
  const lines: string[] = [];
  const log = createLogger('apiserver', { now: () => at, write: (l) => lines.push(l), ...opts });
  return { log, lines };
}

describe('createLogger', () => {
  it('writes klog-style lines with severity letters and key=value fields', () => {
    const { log, lines } = capture();
    log.info('Serving securely', { port: 6443, address: '0.0.0.0' });
    log.warn('slow etcd', { took: '1.2s' });
    log.error('sync failed', { err: new Error('conflict: "web"'), pod: 'default/web-1' });
    expect(lines).toEqual([
      'I1122 05:40:01.123000 apiserver] Serving securely port=6443 address=0.0.0.0\n',
      'W1122 05:40:01.123000 apiserver] slow etcd took=1.2s\n',
      'E1122 05:40:01.123000 apiserver] sync failed err="conflict: \\"web\\"" pod=default/web-1\n',
    ]);
  });

  it('hides debug unless the level is debug', () => {
    const quiet = capture({ level: 'info' });
    quiet.log.debug('cache miss');
    expect(quiet.lines).toEqual([]);
    const loud = capture({ level: 'debug' });
    loud.log.debug('cache miss', { key: 'a' });
    expect(loud.lines).toEqual(['D1122 05:40:01.123000 apiserver] cache miss key=a\n']);
  });

  it('reads NODEKUBE_LOG_LEVEL when no level is given', () => {
    const before = process.env.NODEKUBE_LOG_LEVEL;
    try {
      process.env.NODEKUBE_LOG_LEVEL = 'debug';
      const { log, lines } = capture();
      log.debug('x');
      process.env.NODEKUBE_LOG_LEVEL = 'error';
      const second = capture();
      second.log.warn('y');
      expect(lines).toHaveLength(1);
      expect(second.lines).toHaveLength(0);
    } finally {
      if (before === undefined) delete process.env.NODEKUBE_LOG_LEVEL;
      else process.env.NODEKUBE_LOG_LEVEL = before;
    }
  });

  it('with() adds fields to every line; per-call fields win', () => {
    const { log, lines } = capture();
    const podLog = log.with({ pod: 'default/web-1', attempt: 0 });
    podLog.info('started', { attempt: 1 });
    expect(lines).toEqual(['I1122 05:40:01.123000 apiserver] started pod=default/web-1 attempt=1\n']);
  });

  it('keeps one line per record', () => {
    const { log, lines } = capture();
    log.info('two\nlines', { body: 'a\nb' });
    expect(lines[0].split('\n')).toHaveLength(2); // the text plus the final newline
    expect(lines[0]).toContain('two\\nlines body="a\\nb"');
  });
});

describe('formatValue', () => {
  it.each([
    ['plain', 'plain'],
    ['has space', '"has space"'],
    ['', '""'],
    [42, '42'],
    [true, 'true'],
    [null, 'null'],
    [{ a: 1 }, '{"a":1}'],
    [['x', 'y'], '["x","y"]'],
    [new Date('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000Z'],
  ])('%j → %s', (v, want) => expect(formatValue(v)).toBe(want));
});
