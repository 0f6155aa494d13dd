// Network namespaces for tests: "nodes", "pods" and "clients" with veth pairs and bridges of the
// test's own, so kube-proxy and hostgw program real iptables and routes without touching this
// machine's tables. Everything a lab creates lives inside its namespaces (veths and bridges are
// created directly in them), so `teardown()` — processes first, then `ip netns del` — removes
// it all; call it from afterAll so a failing test cleans up too.
//
// Daemons run under `nsenter --net=/run/netns/<name>` rather than `ip netns exec`, which
// remounts /sys and hides the cgroup mounts (see DESIGN.md, "What these machines allow").

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, runCommand } from '../../agents/kube-proxy/iptables';
import { type Started, startProcess } from './process';

export interface Netns {
  /** `ip netns` name, unique per lab: nk<tag>-<short>. */
  name: string;
  path: string;
  /** Run a command inside the namespace; resolves with its exit code and output. */
  exec(cmd: string, args: string[], input?: string): Promise<CommandResult>;
  /** Like exec, but throws with stderr when the command fails. */
  run(cmd: string, args: string[], input?: string): Promise<string>;
}

async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await runCommand(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} → exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export class NetnsLab {
  readonly tag = randomBytes(2).toString('hex');
  private readonly namespaces: Netns[] = [];
  private readonly processes: Started[] = [];
  private readonly sockets: string[] = [];

  /** A fresh namespace with loopback up. */
  async add(short: string): Promise<Netns> {
    const name = `nk${this.tag}-${short}`;
    await must('ip', ['netns', 'add', name]);
    const path = `/run/netns/${name}`;
    const exec = (cmd: string, args: string[], input?: string) =>
      runCommand('nsenter', [`--net=${path}`, cmd, ...args], input);
    const ns: Netns = {
      name,
      path,
      exec,
      run: (cmd, args, input) => must('nsenter', [`--net=${path}`, cmd, ...args], input),
    };
    this.namespaces.push(ns);
    await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** A veth pair with one end in each namespace, addressed (CIDR form, e.g. 10.0.0.1/24) and up. */
  async veth(
    a: Netns,
    aIf: string,
    aAddr: string | undefined,
    b: Netns,
    bIf: string,
    bAddr: string | undefined,
  ): Promise<void> {
    await must('ip', [
      'link',
      'add',
      aIf,
      'netns',
      a.name,
      'type',
      'veth',
      'peer',
      'name',
      bIf,
      'netns',
      b.name,
    ]);
    for (const [ns, ifname, addr] of [
      [a, aIf, aAddr],
      [b, bIf, bAddr],
    ] as const) {
      if (addr) await must('ip', ['-n', ns.name, 'addr', 'add', addr, 'dev', ifname]);
      await must('ip', ['-n', ns.name, 'link', 'set', ifname, 'up']);
    }
  }

  /** A bridge inside `ns` with the given gateway address (a node's pod-CIDR bridge, like docker0/cbr0). */
  async bridge(ns: Netns, name: string, addr: string): Promise<void> {
    await must('ip', ['-n', ns.name, 'link', 'add', name, 'type', 'bridge']);
    await must('ip', ['-n', ns.name, 'addr', 'add', addr, 'dev', name]);
    await must('ip', ['-n', ns.name, 'link', 'set', name, 'up']);
  }

  /**
   * A "pod": its own namespace, a veth into `node`'s bridge, an address and a default route.
   * Its bridge port is in hairpin mode, as the kubelet sets it (agents/kubelet/hairpin.ts): with
   * br_netfilter loaded (dockerd loads it), a pod's packet to its own Service is DNATed on the
   * bridge and must leave by the port it came in on; without hairpin the bridge drops it, and
   * the SYN's retry draws another backend, so a pod reaching itself fails only now and then.
   */
  async pod(node: Netns, bridgeName: string, short: string, addr: string, gateway: string): Promise<Netns> {
    const pod = await this.add(short);
    const hostIf = `veth${short}`.slice(0, 15);
    await this.veth(pod, 'eth0', addr, node, hostIf, undefined);
    await must('ip', ['-n', node.name, 'link', 'set', hostIf, 'master', bridgeName]);
    await must('ip', ['-n', node.name, 'link', 'set', hostIf, 'type', 'bridge_slave', 'hairpin', 'on']);
    await must('ip', ['-n', pod.name, 'route', 'add', 'default', 'via', gateway]);
    return pod;
  }

  async sysctl(ns: Netns, key: string, value: string): Promise<void> {
    await ns.run('sysctl', ['-q', '-w', `${key}=${value}`]);
  }

  /** Start a long-running process inside `ns`; stopped by pid in teardown. */
  start(ns: Netns, logName: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
    const p = startProcess(`${logName}-${this.tag}`, 'nsenter', [`--net=${ns.path}`, cmd, ...args], env);
    this.processes.push(p);
    return p;
  }

  /**
   * Make a loopback port of this machine (an apiserver a test started) reachable inside `ns` at
   * 127.0.0.1:`nsPort`. A namespace has its own loopback, so two socats meet at a Unix socket,
   * which crosses namespaces through the file system: no interface or rule is added to the host.
   */
  forwardLoopback(ns: Netns, nsPort: number, hostPort: number): void {
    const sock = join(tmpdir(), `nk${this.tag}-${ns.name}-${nsPort}.sock`);
    this.sockets.push(sock);
    this.processes.push(
      startProcess(`socat-host-${this.tag}-${nsPort}`, 'socat', [
        `UNIX-LISTEN:${sock},fork`,
        `TCP:127.0.0.1:${hostPort}`,
      ]),
    );
    this.start(ns, `socat-ns-${nsPort}`, 'socat', [
      `TCP-LISTEN:${nsPort},bind=127.0.0.1,fork,reuseaddr`,
      `UNIX-CONNECT:${sock}`,
    ]);
  }

  /**
   * A tiny HTTP server answering "<name> <client address>" — the client address is what proves
   * (or disproves) masquerading. Node rather than busybox httpd: no CGI needed for the address.
   */
  startEcho(ns: Netns, name: string, port = 80): Started {
    const script = `require('http').createServer((q,s)=>s.end(${JSON.stringify(name)}+' '+q.socket.remoteAddress.replace('::ffff:',''))).listen(${port})`;
    return this.start(ns, `echo-${name}`, process.execPath, ['-e', script]);
  }

  /** A UDP server answering each datagram with "<name>". */
  startUdpEcho(ns: Netns, name: string, port: number): Started {
    const script = `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(${JSON.stringify(name)},r.port,r.address));s.bind(${port})`;
    return this.start(ns, `udp-${name}`, process.execPath, ['-e', script]);
  }

  /**
   * One UDP question from inside `ns`, from a FIXED source port, so successive questions share
   * one conntrack entry (as a resolver's retries would). Undefined when no answer in 2 s.
   */
  async udpAsk(ns: Netns, host: string, port: number, srcPort: number): Promise<string | undefined> {
    const script = `const s=require('dgram').createSocket('udp4');s.on('message',m=>{process.stdout.write(String(m));process.exit(0)});setTimeout(()=>process.exit(1),2000);s.bind(${srcPort},()=>s.send('q',${port},${JSON.stringify(host)}))`;
    const r = await ns.exec(process.execPath, ['-e', script]);
    return r.code === 0 ? r.stdout : undefined;
  }

  /** One HTTP GET from inside `ns` with busybox wget (under `timeout`, see DESIGN.md); undefined on failure. */
  async get(ns: Netns, url: string, seconds = 3): Promise<string | undefined> {
    const r = await ns.exec('busybox', ['timeout', String(seconds), 'busybox', 'wget', '-q', '-O', '-', url]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /** Poll `get` until it answers (for servers just started); throws after `timeoutMs`. */
  async waitForHttp(ns: Netns, url: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const body = await this.get(ns, url, 2);
      if (body !== undefined) return body;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${url} did not answer from ${ns.name} within ${timeoutMs} ms`);
  }

  async teardown(): Promise<void> {
    for (const p of this.processes.splice(0)) await p.stop(2000).catch(() => {});
    for (const ns of this.namespaces.splice(0).reverse()) await runCommand('ip', ['netns', 'del', ns.name]);
    for (const sock of this.sockets.splice(0)) rmSync(sock, { force: true });
  }
}
