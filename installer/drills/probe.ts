// The availability probe: GET / on the workload's NodePort at a fixed rate, round-robin over the
// surviving minions' node IPs (the cluster's private network: containers or VMs we made), one new
// connection per request so every request is routed afresh by kube-proxy. Bounded in number.
import http from 'node:http';
import type { ProbeSample } from './types';

export interface ProbeOptions {
  targets: string[];
  port: number;
  ratePerSecond: number;
  maxRequests: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface Probe {
  stop(): Promise<void>;
}

function getOnce(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export function startProbe(o: ProbeOptions, into: ProbeSample[]): Probe {
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 1000;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= o.maxRequests || o.targets.length === 0) return;
    const host = o.targets[sent % o.targets.length];
    sent++;
    const t = now();
    const p = getOnce(host, o.port, timeoutMs).then((ok) => {
      into.push({ t, ok });
      inFlight.delete(p);
    });
    inFlight.add(p);
  }, 1000 / o.ratePerSecond);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
