import { describe, expect, it } from 'vitest';
import { parseStreamPath } from './server';
import { exitStatus, parseRemoteCommand } from './streaming/remotecommand';
import { negotiate } from './streaming/spdy-exec';

describe('kubelet server paths', () => {
  it.each([
    [
      '/containerLogs/default/web/nginx',
      { kind: 'containerLogs', namespace: 'default', pod: 'web', container: 'nginx' },
    ],
    [
      '/containerLogs/default/web/',
      { kind: 'containerLogs', namespace: 'default', pod: 'web', container: undefined },
    ],
    ['/exec/kube-system/dns/c', { kind: 'exec', namespace: 'kube-system', pod: 'dns', container: 'c' }],
    ['/attach/ns/p/c', { kind: 'attach', namespace: 'ns', pod: 'p', container: 'c' }],
    ['/portForward/ns/p', { kind: 'portForward', namespace: 'ns', pod: 'p' }],
    ['/portForward/ns/p/extra', undefined],
    ['/stats/summary', undefined],
  ])('%s', (path, expected) => expect(parseStreamPath(path)).toEqual(expected));
});

describe('remote command options', () => {
  it('reads the command and streams; a TTY drops stderr', () => {
    expect(
      parseRemoteCommand(
        new URLSearchParams('command=sh&command=-c&command=ls&stdin=true&stdout=true&stderr=true&tty=true'),
        true,
      ),
    ).toEqual({
      container: undefined,
      command: ['sh', '-c', 'ls'],
      stdin: true,
      stdout: true,
      stderr: false,
      tty: true,
    });
    expect(() => parseRemoteCommand(new URLSearchParams('stdout=true'), true)).toThrow('at least 1 command');
    expect(() => parseRemoteCommand(new URLSearchParams('command=ls'), true)).toThrow(
      'at least 1 of stdin, stdout, stderr',
    );
  });

  it('ends with Success, or NonZeroExitCode carrying the code as kubectl reads it', () => {
    expect(exitStatus(0)).toEqual({ metadata: {}, status: 'Success' });
    expect(exitStatus(3)).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('negotiates the best protocol the client offers', () => {
    expect(
      negotiate('v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io', [
        'v5.channel.k8s.io',
        'v4.channel.k8s.io',
      ]),
    ).toBe('v4.channel.k8s.io');
    expect(
      negotiate(['v5.channel.k8s.io', 'v4.channel.k8s.io'], ['v5.channel.k8s.io', 'v4.channel.k8s.io']),
    ).toBe('v5.channel.k8s.io');
    expect(negotiate('channel.k8s.io', ['v4.channel.k8s.io'])).toBeUndefined();
  });
});
