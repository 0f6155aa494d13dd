import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { kubeletPath, upgradeRequestHead } from './kubelet-proxy';

describe('kubeletPath', () => {
  it.each([
    ['log', 'container=web&follow=true&tailLines=5', '/containerLogs/default/p1/web?follow=true&tailLines=5'],
    [
      'exec',
      'command=ls&command=-la&container=c&stdin=true&stdout=true',
      '/exec/default/p1/c?command=ls&command=-la&stdin=true&stdout=true',
    ],
    ['attach', 'container=c&stdout=true', '/attach/default/p1/c?stdout=true'],
    ['portforward', 'ports=8080', '/portForward/default/p1?ports=8080'],
    ['log', '', '/containerLogs/default/p1/'],
  ] as const)('%s?%s → %s', (subresource, query, path) => {
    expect(
      kubeletPath({ namespace: 'default', pod: 'p1', subresource, query: new URLSearchParams(query) }),
    ).toBe(path);
  });
});

describe('upgradeRequestHead', () => {
  it('rewrites the request line and Host, drops Authorization, keeps every other header as sent', () => {
    const req = {
      method: 'POST',
      rawHeaders: [
        'Host',
        'apiserver:8080',
        'Authorization',
        'Bearer users-own-token',
        'Connection',
        'Upgrade',
        'Upgrade',
        'SPDY/3.1',
        'X-Stream-Protocol-Version',
        'v4.channel.k8s.io',
        'X-Stream-Protocol-Version',
        'v3.channel.k8s.io',
      ],
    } as unknown as IncomingMessage;
    expect(
      upgradeRequestHead(req, { nodeAddress: '10.0.0.2', kubeletPort: 10250 }, '/exec/ns/p/c?command=ls'),
    ).toBe(
      'POST /exec/ns/p/c?command=ls HTTP/1.1\r\nHost: 10.0.0.2:10250\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
        'X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n\r\n',
    );
  });
});
