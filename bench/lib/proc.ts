// What a process has used, read from /proc: the benches put each process's share beside a rate,
// so a figure says where the machine's CPU went (client, apiserver, etcd), not just how fast.
import { readFileSync } from 'node:fs';

/** /proc/<pid>/stat's fields after the command name (which may hold spaces and parentheses). */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds a process has used so far: utime + stime (fields 14 and 15, USER_HZ = 100). */
export function cpuSeconds(pid: number | 'self'): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** One "<field>: <n> kB" line of /proc/<pid>/status, in MiB (0 if the field is missing). */
function statusMiB(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** Resident set size in MiB (VmRSS). */
export const rssMiB = (pid: number): number => statusMiB(pid, 'VmRSS');

/** The highest resident set size the process has had, in MiB (VmHWM). */
export const peakRssMiB = (pid: number): number => statusMiB(pid, 'VmHWM');

/**
 * The process's own anonymous memory in MiB (RssAnon): RSS without file pages. Processes of one
 * `node` binary share its ~43 MiB of mapped text, which each one's RSS counts again.
 */
export const anonRssMiB = (pid: number): number => statusMiB(pid, 'RssAnon');

/**
 * Proportional set size in MiB (Pss of /proc/<pid>/smaps_rollup): each page shared by n processes
 * counts 1/n in each. Summed over the control plane, the `node` binary's text counts once instead
 * of once per process, so the sum is what the three take from the machine together.
 */
export function pssMiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}
