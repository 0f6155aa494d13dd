import { describe, expect, it } from 'vitest';
import { FlagError, flagName, formatDuration, parseDuration, parseFlags, renderFlags } from './flags';

const defaults = {
  master: 'http://127.0.0.1:8080',
  port: 10257,
  leaderElect: true,
  nodeMonitorGracePeriod: '40s',
};

describe('parseFlags', () => {
  it('takes --name=value and --name value, typed by the default', () => {
    const f = parseFlags(
      ['--master', 'http://m:8080', '--port=1', '--leader-elect=false', '--node-monitor-grace-period=10s'],
      defaults,
    );
    expect(f).toEqual({
      master: 'http://m:8080',
      port: 1,
      leaderElect: false,
      nodeMonitorGracePeriod: '10s',
    });
  });

  it('reads a bare boolean flag as true and keeps defaults for the rest', () => {
    expect(parseFlags(['--leader-elect'], { ...defaults, leaderElect: false }).leaderElect).toBe(true);
    expect(parseFlags([], defaults)).toEqual(defaults);
  });

  it.each([
    [['--prot=1'], 'unknown flag: --prot'],
    [['--port=abc'], 'invalid argument "abc" for "--port": not a number'],
    [['--leader-elect=maybe'], 'want true or false'],
    [['--master'], 'flag needs an argument: --master'],
    [['stray'], 'unexpected argument "stray"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseFlags(argv, defaults)).toThrow(FlagError);
    expect(() => parseFlags(argv, defaults)).toThrow(message);
  });

  it('renders back to upstream-style flags', () => {
    expect(flagName('nodeMonitorGracePeriod')).toBe('node-monitor-grace-period');
    expect(renderFlags({ port: 8080, bindAddress: '0.0.0.0' })).toEqual([
      '--port=8080',
      '--bind-address=0.0.0.0',
    ]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['40s', 40_000],
    ['5m0s', 300_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['30', 30_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 's', '10x', '5m garbage'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(FlagError);
  });
});

describe('formatDuration (Go Duration.String)', () => {
  it.each([
    [10_000, '10s'],
    [10_004, '10.004s'],
    [90_000, '1m30s'],
    [300_000, '5m0s'],
    [3_723_500, '1h2m3.5s'],
    [250, '250ms'],
    [0, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    if (ms >= 1000 && ms % 1000 === 0) expect(parseDuration(text)).toBe(ms);
  });
});
