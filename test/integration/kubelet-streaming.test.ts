// kubectl logs / exec / port-forward against pods on a real kubelet, with the real kubectl
// binaries: 1.27 speaks SPDY/3.1 for exec and port-forward, 1.30 WebSocket exec and SPDY
// port-forward, 1.33 WebSocket exec and SPDY-in-WebSocket port-forward.
//
// The requests go to the real apiserver, which relays pods/{log,exec,attach,portforward} to the
// pod's kubelet through agents/apiserver/kubelet-proxy.ts.

import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { KubeConfig, Log, PortForward } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execToStatus, forwardLocally, textSink } from '../support/client-node';
import { BUSYBOX_IMAGE } from '../support/docker';
import { kubeconfigFor, kubectl, kubectlPath } from '../support/kubectl';
import { createPod, getPod, podOn, startTestNode, type TestNode } from '../support/kubelet';

let node: TestNode;
let server: string;
const busybox = { image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent' };
const poll = { timeout: 60_000, interval: 250 };

beforeAll(async () => {
  node = await startTestNode('kubelet-stream');
  server = node.cp.url;
  await createPod(
    node.cp,
    podOn(node, 'talker', {
      containers: [
        {
          name: 'app',
          ...busybox,
          command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; done; httpd -f -p 8080 -h /www'],
        },
      ],
    }),
  );
  // expect.poll only works inside tests: wait by hand here, bounded.
  for (
    let deadline = Date.now() + 60_000;
    (await getPod(node.cp, 'default', 'talker')).status?.phase !== 'Running';
  ) {
    if (Date.now() > deadline) throw new Error('pod talker did not reach Running');
    await new Promise((r) => setTimeout(r, 250));
  }
});
afterAll(async () => {
  await node?.stop();
});

/** Start `kubectl port-forward` and resolve with the local port it picked. */
function portForward(
  version: string,
  pod: string,
  remotePort: number,
): Promise<{ port: number; stop(): void }> {
  const { kubeconfig, cacheDir } = kubeconfigFor(server);
  const child = spawn(kubectlPath(version), [
    `--kubeconfig=${kubeconfig}`,
    `--cache-dir=${cacheDir}`,
    'port-forward',
    `pod/${pod}`,
    `:${remotePort}`,
  ]);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stop: () => child.kill('SIGTERM') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => reject(new Error(`port-forward exited: ${out}`)));
  });
}

describe.each(['1.27', '1.30', '1.33'])('kubectl %s', (version) => {
  const k = () => kubectl(version, server);

  it('logs, with --tail', async () => {
    const all = await k()(['logs', 'talker']);
    expect(all).toMatchObject({ code: 0, stdout: 'line 1\nline 2\nline 3\n' });
    expect((await k()(['logs', 'talker', '--tail=1'])).stdout).toBe('line 3\n');
    expect((await k()(['logs', 'talker', '--timestamps'])).stdout).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z line 1\n/,
    );
  });

  it('exec: stdout, stderr and the exit code come back', async () => {
    const r = await k()(['exec', 'talker', '--', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 7']);
    expect(r.stdout).toBe('to-out\n');
    expect(r.stderr).toContain('to-err');
    expect(r.code).toBe(7);
    expect(await k()(['exec', 'talker', '--', 'true'])).toMatchObject({ code: 0 });
  });

  it('exec -i: stdin reaches the command and EOF ends it', async () => {
    const r = await k()(['exec', '-i', 'talker', '--', 'sh', '-c', 'tr a-z A-Z'], { stdin: 'hello stdin\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'HELLO STDIN\n' });
  });

  it('port-forward reaches the pod port', async () => {
    const pf = await portForward(version, 'talker', 8080);
    try {
      for (let i = 0; i < 3; i++) {
        const body = await (await fetch(`http://127.0.0.1:${pf.port}/`)).text();
        expect(body).toBe('hello from nodekube\n');
      }
    } finally {
      pf.stop();
    }
  });
});

describe('attach', () => {
  it("kubectl attach streams a running container's output until it exits", async () => {
    await createPod(
      node.cp,
      podOn(node, 'ticker', {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'c',
            ...busybox,
            command: ['sh', '-c', 'sleep 3; for i in 1 2 3; do echo tick $i; sleep 0.3; done'],
          },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'ticker')).status?.phase, poll)
      .toBe('Running');
    const r = await kubectl('1.33', server)(['attach', 'ticker', '-c', 'c'], { timeoutMs: 30_000 });
    expect(r.stdout).toContain('tick 3');
  });
});

describe('logs of finished and restarted containers', () => {
  it('logs -f ends when the container exits; --previous shows the last attempt', async () => {
    await createPod(
      node.cp,
      podOn(node, 'short', {
        restartPolicy: 'Always',
        containers: [
          { name: 'c', ...busybox, command: ['sh', '-c', 'echo run $RANDOM$RANDOM; sleep 2; exit 1'] },
        ],
      }),
    );
    await expect
      .poll(
        async () =>
          (await getPod(node.cp, 'default', 'short')).status?.containerStatuses?.[0]?.restartCount ?? 0,
        poll,
      )
      .toBeGreaterThanOrEqual(1);
    const previous = await kubectl('1.33', server)(['logs', 'short', '--previous']);
    expect(previous).toMatchObject({ code: 0, stdout: expect.stringMatching(/^run \d+\n$/) });
    const current = await kubectl('1.33', server)(['logs', 'short']);
    expect(current.stdout).not.toBe(previous.stdout);
    const followed = await kubectl('1.27', server)(['logs', '-f', 'short'], { timeoutMs: 30_000 });
    expect(followed.code).toBe(0);
  });

  it('a container that has not started gives the upstream BadRequest', async () => {
    await createPod(
      node.cp,
      podOn(node, 'never-starts', {
        containers: [{ name: 'c', image: 'nodekube/absent:1.0', imagePullPolicy: 'Never' }],
      }),
    );
    await expect
      .poll(
        async () =>
          (await getPod(node.cp, 'default', 'never-starts')).status?.containerStatuses?.[0]?.state?.waiting
            ?.reason,
        poll,
      )
      .toBe('ErrImageNeverPull');
    const r = await kubectl('1.33', server)(['logs', 'never-starts']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('is waiting to start');
  });
});

describe('a Terminating pod', () => {
  it('logs and exec still reach its container while it shuts down', async () => {
    await createPod(
      node.cp,
      podOn(node, 'stubborn', {
        terminationGracePeriodSeconds: 60,
        containers: [
          // Ignores SIGTERM, so the container runs on for the whole grace period.
          {
            name: 'c',
            ...busybox,
            command: ['sh', '-c', 'trap "" TERM; echo still here; while true; do sleep 1; done'],
          },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'stubborn')).status?.phase, poll)
      .toBe('Running');
    const k = kubectl('1.33', server);
    expect(await k(['delete', 'pod', 'stubborn', '--wait=false'])).toMatchObject({ code: 0 });
    expect((await getPod(node.cp, 'default', 'stubborn')).metadata?.deletionTimestamp).toBeTruthy();
    expect(await k(['logs', 'stubborn'])).toMatchObject({ code: 0, stdout: 'still here\n' });
    expect(await k(['exec', 'stubborn', '--', 'echo', 'exec-ok'])).toMatchObject({
      code: 0,
      stdout: 'exec-ok\n',
    });
    expect(await kubectl('1.27', server)(['exec', 'stubborn', '--', 'echo', 'spdy-ok'])).toMatchObject({
      code: 0,
      stdout: 'spdy-ok\n',
    });
  });
});

// The official JavaScript client speaks neither SPDY nor kubectl's tunnel: exec and
// port-forward over plain WebSocket channels (v4.channel.k8s.io), logs over HTTP.
describe('@kubernetes/client-node', () => {
  // This apiserver is plain HTTP, which client-node accepts only with skipTLSVerify set.
  const config = () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'nodekube', server, skipTLSVerify: true }],
      users: [{ name: 'admin' }],
      contexts: [{ name: 'nodekube', cluster: 'nodekube', user: 'admin', namespace: 'default' }],
      currentContext: 'nodekube',
    });
    return kc;
  };
  it('Exec: stdout, stderr and the exit status', async () => {
    const r = await execToStatus(config(), 'default', 'talker', 'app', [
      'sh',
      '-c',
      'echo js-out; echo js-err >&2; exit 3',
    ]);
    expect(r.stdout).toBe('js-out\n');
    expect(r.stderr).toBe('js-err\n');
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode' });
    expect(r.status.details?.causes).toContainEqual({ reason: 'ExitCode', message: '3' });
  });

  it('PortForward: a local socket reaches the pod port over WebSocket channels', async () => {
    const local = await forwardLocally(config(), 'default', 'talker', 8080);
    try {
      for (let i = 0; i < 2; i++) {
        // One request per connection: each one is a WebSocket of its own.
        const res = await fetch(`http://127.0.0.1:${local.port}/`, { headers: { connection: 'close' } });
        expect(await res.text()).toBe('hello from nodekube\n');
      }
    } finally {
      local.close();
    }
  });

  it('PortForward: a port nothing listens on comes back as text on the error channel', async () => {
    const forward = new PortForward(config());
    const out = textSink();
    const err = textSink();
    const ws = await forward.portForward('default', 'talker', [9], out.w, err.w, new PassThrough());
    await expect
      .poll(() => err.text(), poll)
      .toMatch(/error forwarding port 9 to pod talker_default: .*ECONNREFUSED/);
    // Without retries portForward answers the socket itself (the retrying form, a factory).
    if (typeof ws !== 'function') ws.close();
  });

  it('Log: the container output, with tailLines', async () => {
    const out = textSink();
    await new Log(config()).log('default', 'talker', 'app', out.w, { tailLines: 2 });
    await expect.poll(() => out.text(), poll).toBe('line 2\nline 3\n');
  });
});

describe('transports', () => {
  it('the kubelet saw SPDY exec (1.27), WebSocket exec (1.30+), the WebSocket port-forward tunnel (1.33) and plain channels (client-node)', async () => {
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(node.kubelet.logFile, 'utf8');
    expect(log).toMatch(/exec in container .*transport=spdy/);
    expect(log).toMatch(/exec in container .*transport=websocket/);
    expect(log).toMatch(/port-forward to pod .*transport=spdy/);
    expect(log).toMatch(/port-forward to pod .*transport=websocket-tunnel/);
    expect(log).toMatch(/port-forward to pod .*transport=websocket-channels/);
  });
});
