// One watch on the default namespace's pods, noting when each named pod was first seen created,
// bound to a node and Running: the moments a user sees with `kubectl get pods -w`.
import type { Pod } from 'kubernetes-types/core/v1';

export interface PodWatch {
  /** Epoch ms each pod was first seen at all, with a node, and Running. */
  created: Map<string, number>;
  bound: Map<string, number>;
  running: Map<string, number>;
  /** Resolves once every named pod was seen Running, or the watch ends (`signal` aborted). */
  done: Promise<void>;
}

export function watchPods(apiUrl: string, names: Set<string>, signal: AbortSignal): PodWatch {
  const created = new Map<string, number>();
  const bound = new Map<string, number>();
  const running = new Map<string, number>();
  const firstTime = (seen: Map<string, number>, name: string) => {
    if (!seen.has(name)) seen.set(name, Date.now());
  };
  const done = (async () => {
    const res = await fetch(`${apiUrl}/api/v1/namespaces/default/pods?watch=true`, { signal });
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no watch body');
    let partial = '';
    while (running.size < names.size) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      const lines = (partial + Buffer.from(value).toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const pod = (JSON.parse(line) as { object: Pod }).object;
        const name = pod.metadata?.name ?? '';
        if (!names.has(name)) continue;
        firstTime(created, name);
        if (pod.spec?.nodeName) firstTime(bound, name);
        if (pod.status?.phase === 'Running') firstTime(running, name);
      }
    }
    await reader.cancel().catch(() => undefined);
  })();
  return { created, bound, running, done };
}
