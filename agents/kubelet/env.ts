// A container's environment (upstream: kubelet_pods.go makeEnvironmentVariables, envvars.go
// FromServices, third_party/forked/golang/expansion). Pure: the pod worker fetches the
// ConfigMaps, Secrets and Services first and passes them in.
//
// Order of precedence, lowest first: service variables, envFrom, env. `$(VAR)` in a value is
// replaced by an earlier variable ($$ escapes), and the same expansion applies to command/args.

import type {
  ConfigMap,
  Container,
  EnvVar,
  Pod,
  ResourceFieldSelector,
  Secret,
  Service,
} from 'kubernetes-types/core/v1';
import { cpuMillis, memoryBytes } from '../api/quantity';

export interface EnvSources {
  configMaps: ReadonlyMap<string, ConfigMap>;
  secrets: ReadonlyMap<string, Secret>;
  /** Services of the pod's namespace, plus `default/kubernetes`. */
  services: readonly Service[];
  podIP?: string;
  hostIP: string;
}

/** Why a container cannot be created: becomes its waiting reason (CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export function buildEnv(pod: Pod, container: Container, src: EnvSources): Map<string, string> {
  const ns = pod.metadata?.namespace ?? 'default';
  const env = new Map<string, string>();
  const linkServices = pod.spec?.enableServiceLinks !== false;
  for (const svc of src.services) {
    const own = svc.metadata?.namespace === ns;
    const isMaster = svc.metadata?.namespace === 'default' && svc.metadata?.name === 'kubernetes';
    if ((own && linkServices) || isMaster) for (const [k, v] of serviceEnv(svc)) env.set(k, v);
  }
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = lookup(
        src.configMaps,
        'configmap',
        from.configMapRef.name ?? '',
        from.configMapRef.optional,
      );
      for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(prefix + k, v);
    }
    if (from.secretRef) {
      const s = lookup(src.secrets, 'secret', from.secretRef.name ?? '', from.secretRef.optional);
      for (const [k, v] of Object.entries(s?.data ?? {})) env.set(prefix + k, decode(v));
    }
  }
  for (const v of container.env ?? []) {
    const value = v.valueFrom ? valueFrom(pod, container, v, src, ns) : expand(v.value ?? '', env);
    if (value !== undefined) env.set(v.name, value);
  }
  return env;
}

function valueFrom(
  pod: Pod,
  container: Container,
  v: EnvVar,
  src: EnvSources,
  ns: string,
): string | undefined {
  const from = v.valueFrom ?? {};
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = lookup(src.configMaps, 'configmap', name, optional);
    const value = cm?.data?.[key];
    if (value === undefined && cm && !optional)
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    return value;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const s = lookup(src.secrets, 'secret', name, optional);
    const value = s?.data?.[key];
    if (value === undefined && s && !optional)
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
    return value === undefined ? undefined : decode(value);
  }
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath, src);
  if (from.resourceFieldRef) return resourceFieldValue(container, from.resourceFieldRef);
  return undefined;
}

/** `limits.memory` with divisor 1Mi → "128" (env and downwardAPI volumes alike). */
export function resourceFieldValue(container: Container, ref: ResourceFieldSelector): string {
  const [kind, resource] = ref.resource.split('.');
  const q = (kind === 'limits' ? container.resources?.limits : container.resources?.requests)?.[resource];
  if (q === undefined) return '0';
  const divisor = ref.divisor ?? '1';
  return resource === 'cpu'
    ? String(Math.ceil(cpuMillis(q) / cpuMillis(divisor)))
    : String(Math.ceil(memoryBytes(q) / memoryBytes(divisor)));
}

/** The downward API's fieldRef paths (pod/util.go ConvertDownwardAPIFieldLabel). */
export function fieldValue(pod: Pod, path: string, src: Pick<EnvSources, 'podIP' | 'hostIP'>): string {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed)
    return (keyed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[keyed[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return src.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return src.podIP ?? '';
    default:
      throw new ContainerConfigError(`unsupported fieldRef path ${path}`);
  }
}

function lookup<T>(
  from: ReadonlyMap<string, T>,
  kind: string,
  name: string,
  optional: boolean | undefined,
): T | undefined {
  const found = from.get(name);
  if (!found && !optional) throw new ContainerConfigError(`${kind} "${name}" not found`);
  return found;
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/**
 * The variables a service gives pods started after it (envvars.go): `REDIS_MASTER_SERVICE_HOST`,
 * `_SERVICE_PORT`, `_SERVICE_PORT_<NAME>` and the Docker-links style `_PORT_6379_TCP…` family.
 */
export function serviceEnv(svc: Service): Array<[string, string]> {
  const ip = svc.spec?.clusterIP;
  const ports = svc.spec?.ports ?? [];
  if (!ip || ip === 'None' || ports.length === 0) return [];
  const name = (svc.metadata?.name ?? '').toUpperCase().replace(/-/g, '_');
  const out: Array<[string, string]> = [
    [`${name}_SERVICE_HOST`, ip],
    [`${name}_SERVICE_PORT`, String(ports[0].port)],
  ];
  for (const p of ports)
    if (p.name) out.push([`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port)]);
  const url = (p: (typeof ports)[number]) => `${(p.protocol ?? 'TCP').toLowerCase()}://${ip}:${p.port}`;
  out.push([`${name}_PORT`, url(ports[0])]);
  for (const p of ports) {
    const proto = p.protocol ?? 'TCP';
    const prefix = `${name}_PORT_${p.port}_${proto}`;
    out.push(
      [prefix, url(p)],
      [`${prefix}_PROTO`, proto.toLowerCase()],
      [`${prefix}_PORT`, String(p.port)],
      [`${prefix}_ADDR`, ip],
    );
  }
  return out;
}

/** `$(VAR)` → its value when defined, else left as written; `$$` → `$`. */
export function expand(input: string, vars: ReadonlyMap<string, string>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? (vars.get(name) as string) : m;
  });
}

/** `NAME=value` lines for Docker. */
export function envList(env: ReadonlyMap<string, string>): string[] {
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** Names of the ConfigMaps and Secrets a pod refers to (env, envFrom, volumes, projections), to fetch first. */
export function referencedObjects(pod: Pod): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
      if (f.secretRef?.name) secrets.add(f.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  for (const v of pod.spec?.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) configMaps.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
  return { configMaps, secrets };
}
