// A pod's container as the runtime should create it (upstream: kuberuntime_container.go
// generateContainerConfig, helpers_linux.go for the cgroup numbers). Pure.

import type { Container, Pod } from 'kubernetes-types/core/v1';
import { cpuMillis, memoryBytes } from '../api/quantity';
import { expand } from './env';
import { buildContainerName, buildSandboxName, LABELS } from './naming';
import { hashContainer } from './pod-actions';
import type { ContainerSpec, PortBinding, SandboxSpec } from './runtime/types';

/** CFS period Docker uses (100 ms, in µs); a quota of N ms per period is N/100 cores. */
export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;

function podLabels(pod: Pod): Record<string, string> {
  return {
    [LABELS.podName]: pod.metadata?.name ?? '',
    [LABELS.podNamespace]: pod.metadata?.namespace ?? '',
    [LABELS.podUid]: pod.metadata?.uid ?? '',
    [LABELS.gracePeriod]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
  };
}

function nameParts(pod: Pod, attempt: number) {
  return {
    pod: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    uid: pod.metadata?.uid ?? '',
    attempt,
  };
}

export function sandboxSpec(
  pod: Pod,
  attempt: number,
  pauseImage: string,
  binds: string[] = [],
): SandboxSpec {
  const bindings: PortBinding[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      bindings.push({
        containerPort: p.containerPort,
        hostPort: p.hostPort,
        protocol: (p.protocol ?? 'TCP') as PortBinding['protocol'],
        hostIP: p.hostIP,
      });
    }
  }
  return {
    name: buildSandboxName(nameParts(pod, attempt)),
    labels: {
      ...podLabels(pod),
      [LABELS.containerName]: 'POD',
      [LABELS.type]: 'podsandbox',
      [LABELS.attempt]: String(attempt),
    },
    image: pauseImage,
    hostname: pod.spec?.hostname ?? pod.metadata?.name ?? '',
    hostNetwork: pod.spec?.hostNetwork === true,
    portBindings: bindings,
    binds,
  };
}

export interface ContainerInputs {
  attempt: number;
  sandboxId: string;
  env: Map<string, string>;
  binds: string[];
  isInit: boolean;
}

export function containerSpec(pod: Pod, c: Container, input: ContainerInputs): ContainerSpec {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const cpuRequest = requests.cpu ?? limits.cpu;
  const cpuLimit = limits.cpu;
  const memLimit = limits.memory;
  const expandAll = (xs: readonly string[] | undefined) => xs?.map((x) => expand(x, input.env));
  return {
    name: buildContainerName({ ...nameParts(pod, input.attempt), container: c.name }),
    labels: {
      ...podLabels(pod),
      [LABELS.containerName]: c.name,
      [LABELS.type]: 'container',
      [LABELS.role]: input.isInit ? 'init' : 'app',
      [LABELS.attempt]: String(input.attempt),
      [LABELS.hash]: hashContainer(c),
    },
    image: c.image ?? '',
    entrypoint: expandAll(c.command),
    cmd: expandAll(c.args),
    env: [...input.env].map(([k, v]) => `${k}=${v}`),
    workingDir: c.workingDir,
    binds: input.binds,
    sandboxId: input.sandboxId,
    hostNetwork: pod.spec?.hostNetwork === true,
    tty: c.tty === true,
    stdin: c.stdin === true,
    stdinOnce: c.stdinOnce === true,
    // requests → relative weight (1 core = 1024 shares); limits → hard CFS quota.
    cpuShares:
      cpuRequest !== undefined
        ? Math.max(MIN_SHARES, Math.floor((cpuMillis(cpuRequest) * 1024) / 1000))
        : undefined,
    cpuQuota:
      cpuLimit !== undefined ? Math.max(1000, (cpuMillis(cpuLimit) * CPU_PERIOD_US) / 1000) : undefined,
    cpuPeriod: cpuLimit !== undefined ? CPU_PERIOD_US : undefined,
    memory: memLimit !== undefined ? memoryBytes(memLimit) : undefined,
    user: c.securityContext?.runAsUser !== undefined ? String(c.securityContext.runAsUser) : undefined,
  };
}
