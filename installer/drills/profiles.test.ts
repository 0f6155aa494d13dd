import { describe, expect, it } from 'vitest';
import { expectedSeconds, flagsOfCommandLine, PROFILES, profileInForce } from './profiles';

const node = ['/usr/bin/node', '/opt/nodekube/bin/nodekube-agent.cjs'];

describe('the profile in force, read from the running command lines', () => {
  it('reads --name=value and --name value', () => {
    expect(flagsOfCommandLine(['x', '--a=1', '--b', '2', '--c'])).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
        ['c', 'true'],
      ]),
    );
  });

  it('names fast when the four flags match it (durations compared as durations: 20s = 20000ms)', () => {
    const p = profileInForce(
      [...node, 'controller-manager', '--node-monitor-period=2s', '--node-monitor-grace-period=20000ms'],
      [
        ...node,
        'apiserver',
        '--default-not-ready-toleration-seconds=5',
        '--default-unreachable-toleration-seconds=5',
      ],
    );
    expect(p.name).toBe('fast');
    expect(p.values.nodeMonitorGracePeriod).toBe('20000ms');
  });

  it('takes flags left out as the built-in (upstream) defaults', () => {
    expect(profileInForce([...node, 'controller-manager'], [...node, 'apiserver'])).toEqual({
      name: 'default',
      values: PROFILES.default,
    });
  });

  it('says custom for any other mix', () => {
    const p = profileInForce(['--node-monitor-grace-period=20s'], []);
    expect(p.name).toBe('custom');
  });

  it('expects NotReady at grace + period and eviction a toleration later: 45s/345s default, 22s/27s fast', () => {
    expect(expectedSeconds(PROFILES.default)).toEqual({ notReady: 45, evicted: 345 });
    expect(expectedSeconds(PROFILES.fast)).toEqual({ notReady: 22, evicted: 27 });
  });
});
