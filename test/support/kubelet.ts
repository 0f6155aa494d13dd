// A node for kubelet integration tests: the control plane (test/support/apiserver.ts), a kubelet
// process (from source) on this machine's Docker engine with its own node name, root dir and
// port, and small REST helpers. Each test's kubelet labels its containers with its node name,
// so clean-up removes exactly those (by id).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1';
import { type ControlPlane, startControlPlane } from './apiserver';
import { ensureBusyboxImage, removeNodeContainers } from './docker';
import { freePort } from './ports';
import { type Started, startAgent, waitForHttpOk } from './process';

export interface TestNode {
  cp: ControlPlane;
  nodeName: string;
  kubeletPort: number;
  rootDir: string;
  kubelet: Started;
  /** Start the kubelet again (after kubelet.stop() or kill()). */
  restartKubelet(): Promise<Started>;
  stop(): Promise<void>;
}

export interface TestNodeOptions {
  /** Default `<prefix>-<pid>-<n>`; give one when certificates must name the node before it starts. */
  nodeName?: string;
  /** How the kubelet finds the apiserver, instead of `--master=<cp.url>` (`--kubeconfig=…`). */
  apiFlags?: string[];
  /** Resolves once the kubelet serves; default: http://127.0.0.1:<port>/healthz answers 200. */
  waitReady?: (port: number, logFile: string) => Promise<void>;
}

/** `extraFlags` come last, so they override the defaults below (`--sync-frequency=10s`). */
export async function startTestNode(
  prefix: string,
  cp?: ControlPlane,
  extraFlags: string[] = [],
  opts: TestNodeOptions = {},
): Promise<TestNode> {
  await ensureBusyboxImage();
  const plane = cp ?? (await startControlPlane({ name: `apiserver-${prefix}` }));
  const nodeName = opts.nodeName ?? testNodeName(prefix);
  const kubeletPort = await freePort();
  const rootDir = mkdtempSync(join(tmpdir(), 'nodekube-kubelet-'));
  const start = async () => {
    const proc = startAgent(`kubelet-${nodeName}`, 'kubelet', [
      ...(opts.apiFlags ?? [`--master=${plane.url}`]),
      `--hostname-override=${nodeName}`,
      '--node-ip=127.0.0.1',
      '--address=127.0.0.1',
      `--port=${kubeletPort}`,
      `--root-dir=${rootDir}`,
      '--pod-cidr=10.244.9.0/24',
      '--node-status-update-frequency=2s',
      '--sync-frequency=3s',
      ...extraFlags,
    ]);
    if (opts.waitReady) await opts.waitReady(kubeletPort, proc.logFile);
    else await waitForHttpOk(`http://127.0.0.1:${kubeletPort}/healthz`, 60_000, proc.logFile);
    return proc;
  };
  const node: TestNode = {
    cp: plane,
    nodeName,
    kubeletPort,
    rootDir,
    kubelet: await start(),
    async restartKubelet() {
      node.kubelet = await start();
      return node.kubelet;
    },
    async stop() {
      await node.kubelet.stop(15_000);
      await removeNodeContainers(nodeName);
      if (!cp) await plane.stop();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
  return node;
}

export const testNodeName = (prefix: string) => `${prefix}-${process.pid}-${Date.now() % 100000}`;

/** JSON over REST against the apiserver; throws with the Status message on failure. */
export async function api<T = unknown>(
  cp: ControlPlane,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const res = await fetch(`${cp.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export function getPod(cp: ControlPlane, ns: string, name: string): Promise<Pod> {
  return api<Pod>(cp, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`);
}

export async function createPod(cp: ControlPlane, pod: Pod): Promise<Pod> {
  const ns = pod.metadata?.namespace ?? 'default';
  return api<Pod>(cp, 'POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', ...pod });
}

/** A pod bound to the test node (no scheduler runs in these tests). */
export function podOn(
  node: TestNode,
  name: string,
  spec: Partial<NonNullable<Pod['spec']>> & Pick<NonNullable<Pod['spec']>, 'containers'>,
  ns = 'default',
): Pod {
  return {
    metadata: { name, namespace: ns },
    spec: { nodeName: node.nodeName, terminationGracePeriodSeconds: 2, ...spec },
  };
}
