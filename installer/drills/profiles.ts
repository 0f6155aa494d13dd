// Failure-detection timing profiles. A profile is a handful of upstream flags on two master
// components, written into their units by `nodekube up --profile NAME` (units.ts):
//   kube-controller-manager  --node-monitor-period, --node-monitor-grace-period  (NotReady, taints)
//   kube-apiserver           --default-not-ready-toleration-seconds,
//                            --default-unreachable-toleration-seconds (the DefaultTolerationSeconds
//                            admission stamps these on every pod created afterwards: eviction time)
// `default` is upstream's: a node is NotReady 40 s after its last heartbeat and its pods are
// evicted 300 s after the taint, so a node drill takes about 6 minutes. `fast` keeps the same
// mechanics with 2 s / 20 s / 5 s so a drill takes about a minute. The grace period must stay
// well above the kubelet's heartbeat (Lease renewed and NodeStatus posted every 10 s): with 8 s,
// a first drill on a loaded machine showed every node flapping to unreachable.
// Drills read the profile in force from the running processes' command lines (profileInForce).
import { parseDuration } from '../../agents/api/flags';

export type ProfileName = 'default' | 'fast';
export const PROFILE_NAMES: ProfileName[] = ['default', 'fast'];

export interface Profile {
  nodeMonitorPeriod: string;
  nodeMonitorGracePeriod: string;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

export const PROFILES: Record<ProfileName, Profile> = {
  default: {
    nodeMonitorPeriod: '5s',
    nodeMonitorGracePeriod: '40s',
    defaultNotReadyTolerationSeconds: 300,
    defaultUnreachableTolerationSeconds: 300,
  },
  fast: {
    nodeMonitorPeriod: '2s',
    nodeMonitorGracePeriod: '20s',
    defaultNotReadyTolerationSeconds: 5,
    defaultUnreachableTolerationSeconds: 5,
  },
};

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as string[]).includes(s);
}

/** The controller-manager's share of a profile (units.ts merges it into its flags). */
export const controllerManagerProfileFlags = (p: ProfileName) => ({
  nodeMonitorPeriod: PROFILES[p].nodeMonitorPeriod,
  nodeMonitorGracePeriod: PROFILES[p].nodeMonitorGracePeriod,
});

/** The apiserver's share of a profile. */
export const apiserverProfileFlags = (p: ProfileName) => ({
  defaultNotReadyTolerationSeconds: PROFILES[p].defaultNotReadyTolerationSeconds,
  defaultUnreachableTolerationSeconds: PROFILES[p].defaultUnreachableTolerationSeconds,
});

/** `--name=value` / `--name value` pairs of a command line (the components' own syntax). */
export function flagsOfCommandLine(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) out.set(a.slice(2), args[++i]);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

export interface ProfileInForce {
  /** `custom` when the flags match no named profile. */
  name: ProfileName | 'custom';
  values: Profile;
}

/**
 * The profile the running components use, from their command lines (a flag left out means the
 * component's built-in default, which is upstream's = `default`).
 */
export function profileInForce(controllerManagerArgs: string[], apiserverArgs: string[]): ProfileInForce {
  const cm = flagsOfCommandLine(controllerManagerArgs);
  const api = flagsOfCommandLine(apiserverArgs);
  const d = PROFILES.default;
  const values: Profile = {
    nodeMonitorPeriod: cm.get('node-monitor-period') ?? d.nodeMonitorPeriod,
    nodeMonitorGracePeriod: cm.get('node-monitor-grace-period') ?? d.nodeMonitorGracePeriod,
    defaultNotReadyTolerationSeconds: Number(
      api.get('default-not-ready-toleration-seconds') ?? d.defaultNotReadyTolerationSeconds,
    ),
    defaultUnreachableTolerationSeconds: Number(
      api.get('default-unreachable-toleration-seconds') ?? d.defaultUnreachableTolerationSeconds,
    ),
  };
  const same = (p: Profile) =>
    parseDuration(p.nodeMonitorPeriod) === parseDuration(values.nodeMonitorPeriod) &&
    parseDuration(p.nodeMonitorGracePeriod) === parseDuration(values.nodeMonitorGracePeriod) &&
    p.defaultNotReadyTolerationSeconds === values.defaultNotReadyTolerationSeconds &&
    p.defaultUnreachableTolerationSeconds === values.defaultUnreachableTolerationSeconds;
  const name = PROFILE_NAMES.find((n) => same(PROFILES[n])) ?? 'custom';
  return { name, values };
}

/** What a node drill should take, in seconds from the fault (for the up-front countdown). */
export function expectedSeconds(p: Profile): { notReady: number; evicted: number } {
  const grace = parseDuration(p.nodeMonitorGracePeriod) / 1000;
  const period = parseDuration(p.nodeMonitorPeriod) / 1000;
  const notReady = grace + period;
  const tol = Math.min(p.defaultNotReadyTolerationSeconds, p.defaultUnreachableTolerationSeconds);
  return { notReady, evicted: notReady + tol };
}
