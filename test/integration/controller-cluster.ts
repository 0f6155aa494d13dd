// A small cluster for the controller integration tests: real etcd and apiserver, the real
// controller-manager and scheduler, and hollow nodes (one process per node, so a test can kill
// one node the way a machine dies). Everything runs from source and is stopped by pid.
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { type Kubectl, kubectl } from '../support/kubectl';
import { freePort } from '../support/ports';
import { type Started, startAgent, waitForHttpOk } from '../support/process';

export interface Cluster {
  cp: ControlPlane;
  cm: Started;
  cmPort: number;
  scheduler: Started;
  nodes: Map<string, Started>;
  k: Kubectl;
  k27: Kubectl;
  addNode(name: string): Promise<void>;
  /** Another controller-manager on the same apiserver (health on a random port), for leader election. */
  startControllerManager(name: string): Started;
  killNode(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  name: string;
  nodes: string[];
  cmFlags?: string[];
  apiFlags?: string[];
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  // Ports first, so componentstatuses can probe the components where they really listen.
  const cmPort = await freePort();
  const schedPort = await freePort();
  const cp = await startControlPlane({
    name: `apiserver-${opts.name}`,
    flags: [
      `--controller-manager-health-url=http://127.0.0.1:${cmPort}/healthz`,
      `--scheduler-health-url=http://127.0.0.1:${schedPort}/healthz`,
      ...(opts.apiFlags ?? []),
    ],
  });
  const started: Started[] = [];
  const nodes = new Map<string, Started>();
  try {
    const cm = startAgent(`controller-manager-${opts.name}`, 'controller-manager', [
      `--master=${cp.url}`,
      `--port=${cmPort}`,
      '--bind-address=127.0.0.1',
      ...(opts.cmFlags ?? []),
    ]);
    started.push(cm);
    const scheduler = startAgent(`scheduler-${opts.name}`, 'scheduler', [
      `--master=${cp.url}`,
      `--port=${schedPort}`,
      '--bind-address=127.0.0.1',
    ]);
    started.push(scheduler);
    await waitForHttpOk(`http://127.0.0.1:${cmPort}/healthz`, 60_000, cm.logFile);
    await waitForHttpOk(`http://127.0.0.1:${schedPort}/healthz`, 60_000, scheduler.logFile);
    const startControllerManager = (name: string) => {
      const p = startAgent(`controller-manager-${opts.name}-${name}`, 'controller-manager', [
        `--master=${cp.url}`,
        '--port=0',
        '--bind-address=127.0.0.1',
        ...(opts.cmFlags ?? []),
      ]);
      started.push(p);
      return p;
    };
    const addNode = async (name: string) => {
      const p = startAgent(`hollow-${opts.name}-${name}`, 'hollow-node', [
        `--master=${cp.url}`,
        `--name=${name}`,
        '--node-status-update-frequency=2s',
      ]);
      nodes.set(name, p);
      started.push(p);
    };
    for (const n of opts.nodes) await addNode(n);
    return {
      cp,
      cm,
      cmPort,
      scheduler,
      nodes,
      k: kubectl('1.33', cp.url),
      k27: kubectl('1.27', cp.url),
      addNode,
      startControllerManager,
      async killNode(name: string) {
        await nodes.get(name)?.kill();
      },
      async stop() {
        await Promise.all(started.map((p) => p.stop()));
        await cp.stop();
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    await cp.stop();
    throw err;
  }
}

/** Parse `kubectl get … -o json`. */
export async function getJson(k: Kubectl, args: string[]): Promise<any> {
  const r = await k([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function run(k: Kubectl, args: string[], stdin?: string): Promise<string> {
  const r = await k(args, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Poll until `check` returns true (for hooks, where expect.poll is not allowed); throws with `what` on timeout. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

/** A Deployment manifest (kubectl 1.32+ sends `create deployment` as protobuf; manifests are JSON). */
export function deploymentYaml(name: string, replicas: number, image: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: main, image: "${image}"}]
${extra}`;
}
