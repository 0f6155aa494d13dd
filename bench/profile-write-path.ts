// How the apiserver's write path was profiled (issue 12), runnable again after any change:
//
//   npm run profile [-- --pods 3000] [-- --creates-only]
//
// Starts a real etcd and the apiserver under `node --cpu-prof`, warms it up, then drives the
// writes a pod's life costs the control plane — create, binding (the scheduler), status (the
// kubelet), a label patch and a status update — at 16 concurrent clients (`--creates-only`: pod
// creates alone, the apiserver bench's headline write). The apiserver is
// stopped with SIGTERM so V8 writes its profile; the profile's path is printed (open it in
// Chrome DevTools' Performance tab or speedscope for the flame graph) beside a summary: self
// and inclusive time per function, and time per area (our code by file, the etcd client,
// Node's HTTP, GC, idle). What it showed and what changed: README, "Performance".
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd } from '../test/support/etcd';
import { freePort } from '../test/support/ports';
import { REPO_ROOT, startProcess, waitForHttpOk } from '../test/support/process';
import { type CpuProfile, summarize } from './lib/cpuprofile';
import { KeepAliveClient } from './lib/http-load';
import { pool, runWhenMain } from './lib/report';

const NS = '/api/v1/namespaces/default/pods';

function pod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'profile' } },
    spec: {
      containers: [
        { name: 'app', image: 'registry.local/app:1.0', resources: { requests: { cpu: '100m' } } },
      ],
    },
  };
}

/** One pod's writes, as the scheduler and a kubelet would send them. */
async function podLife(http: KeepAliveClient, name: string): Promise<void> {
  const expect = async (what: string, code: Promise<number>, want: number) => {
    const got = await code;
    if (got !== want) throw new Error(`${what} ${name}: HTTP ${got}`);
  };
  await expect('create', http.post(NS, JSON.stringify(pod(name))), 201);
  const binding = {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name },
    target: { kind: 'Node', name: 'n1' },
  };
  await expect('bind', http.post(`${NS}/${name}/binding`, JSON.stringify(binding)), 201);
  const running = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  await expect(
    'status',
    http.send('PATCH', `${NS}/${name}/status`, JSON.stringify(running), 'application/merge-patch+json'),
    200,
  );
  const labels = { metadata: { labels: { seen: 'yes' } } };
  await expect(
    'patch',
    http.send('PATCH', `${NS}/${name}`, JSON.stringify(labels), 'application/merge-patch+json'),
    200,
  );
}

/** A pod's create alone: the write the apiserver bench compares with raw etcd. */
async function podCreate(http: KeepAliveClient, name: string): Promise<void> {
  const code = await http.post(NS, JSON.stringify(pod(name)));
  if (code !== 201) throw new Error(`create ${name}: HTTP ${code}`);
}

export async function run(pods = 3000, createsOnly = false) {
  const writes = createsOnly ? podCreate : podLife;
  const writesPerPod = createsOnly ? 1 : 4;
  const profileDir = mkdtempSync(join(tmpdir(), 'nodekube-profile-'));
  const etcd = await startEtcd('etcd-profile');
  const port = await freePort();
  const apiserver = startProcess(`apiserver-profile-${port}`, process.execPath, [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    '--import',
    'tsx',
    join(REPO_ROOT, 'agents', 'main.ts'),
    'apiserver',
    `--etcd-servers=${etcd.url}`,
    '--bind-address=127.0.0.1',
    `--port=${port}`,
  ]);
  const http = new KeepAliveClient(`http://127.0.0.1:${port}`, 16);
  try {
    await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, 60_000, apiserver.logFile);
    // Warm-up: the JIT has compiled the hot paths before most samples are taken.
    await pool(pods / 4, 16, (i) => writes(http, `warm-${i}`).then(() => 0));
    const t = performance.now();
    await pool(pods, 16, (i) => writes(http, `pod-${i}`).then(() => 0));
    const seconds = (performance.now() - t) / 1000;
    http.close();
    await apiserver.stop(30_000);
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`the apiserver wrote no profile into ${profileDir}; see ${apiserver.logFile}`);
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
    return {
      profile: join(profileDir, file),
      pods,
      writesPerPod,
      writesPerSecond: Math.round((writesPerPod * pods) / seconds),
      ...summarize(profile, REPO_ROOT),
    };
  } finally {
    http.close();
    await apiserver.stop();
    await etcd.stop();
  }
}

runWhenMain(import.meta.url, () => {
  const i = process.argv.indexOf('--pods');
  return run(i > 0 ? Number(process.argv[i + 1]) : undefined, process.argv.includes('--creates-only'));
});
