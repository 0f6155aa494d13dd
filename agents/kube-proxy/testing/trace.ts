// A tiny packet tracer over iptables-restore text, for tests (upstream proxier_test.go
// tracePacket). It walks a packet from KUBE-SERVICES the way the kernel would and reports where
// it could end up: every DNAT destination reachable (a `-m statistic` rule is followed AND
// skipped, so all endpoints of a service show up), whether it was marked for masquerade, and
// whether the filter table rejects it, and whether KUBE-FIREWALL drops what was not DNATed (the
// packet then goes to INPUT). It understands only the matches rules.ts writes.

export interface Packet {
  protocol: 'tcp' | 'udp' | 'sctp';
  src: string;
  dst: string;
  dport: number;
  /** Addresses of the node itself: what `-m addrtype --dst-type LOCAL` matches (list 127.0.0.1
   *  too when tracing a packet sent to it). */
  localIPs?: string[];
}

export interface TraceResult {
  /** "ip:port" of every DNAT the packet may take, in rule order. */
  endpoints: string[];
  masquerade: boolean;
  rejected: boolean;
  /** Not DNATed, so delivered to the node: dropped there by KUBE-FIREWALL. */
  dropped: boolean;
}

type Chains = Map<string, string[][]>;

/** Split a rule line into words, keeping "quoted comments" as one word. */
export function tokenize(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** iptables-restore text → table → chain → rules (each rule its words after `-A CHAIN`). */
export function parseRestore(text: string): Map<string, Chains> {
  const tables = new Map<string, Chains>();
  let current: Chains | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = new Map();
      tables.set(line.slice(1), current);
    } else if (line.startsWith(':')) current?.set(line.slice(1).split(' ')[0], []);
    else if (line.startsWith('-A ')) {
      const [, chain, ...rule] = tokenize(line);
      current?.get(chain)?.push(rule);
    }
  }
  return tables;
}

function ipNum(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCIDR(ip: string, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const shift = 32 - Number(bits);
  return shift === 32 || ipNum(ip) >>> shift === ipNum(base) >>> shift;
}

/** Does every match of `rule` hold for `pkt`? Returns the target words too. */
function evaluate(
  rule: string[],
  pkt: Packet,
): { matches: boolean; probabilistic: boolean; target: string[] } {
  let matches = true;
  let probabilistic = false;
  let negate = false;
  let i = 0;
  const check = (ok: boolean) => {
    if (ok === negate) matches = false;
    negate = false;
  };
  for (; i < rule.length && rule[i] !== '-j'; i++) {
    const word = rule[i];
    const next = rule[i + 1];
    if (word === '!') negate = true;
    else if (word === '-s') check(inCIDR(pkt.src, rule[++i]));
    else if (word === '-d') check(inCIDR(pkt.dst, rule[++i]));
    else if (word === '-p') check(pkt.protocol === rule[++i]);
    else if (word === '--dport') check(pkt.dport === Number(rule[++i]));
    else if (word === '--dst-type' && next === 'LOCAL') {
      check((pkt.localIPs ?? []).includes(pkt.dst));
      i++;
    } else if (word === '--rcheck')
      matches = false; // no client has been seen yet
    else if (word === '--probability') probabilistic = true;
    else if (word === '--ctstate') {
      // A new connection, not DNATed: tracePacket walks KUBE-FIREWALL only for those.
      check(rule[++i].split(',').includes('NEW'));
    }
  }
  return { matches, probabilistic, target: rule.slice(i + 1) };
}

function walk(chains: Chains, chain: string, pkt: Packet, out: TraceResult, depth = 0): boolean {
  if (depth > 10) throw new Error(`chain loop at ${chain}`);
  for (const rule of chains.get(chain) ?? []) {
    const { matches, probabilistic, target } = evaluate(rule, pkt);
    if (!matches) continue;
    const [jump, , dest] = target;
    let terminal = false;
    if (jump === 'RETURN') return false;
    if (jump === 'KUBE-MARK-MASQ') out.masquerade = true;
    else if (jump === 'DNAT') out.endpoints.push(dest);
    else if (jump === 'REJECT') out.rejected = true;
    else if (jump === 'DROP') out.dropped = true;
    else if (chains.has(jump)) terminal = walk(chains, jump, pkt, out, depth + 1);
    if (jump === 'DNAT' || jump === 'REJECT' || jump === 'DROP') terminal = true;
    if (terminal && !probabilistic) return true;
  }
  return false;
}

/**
 * Trace a new connection arriving from elsewhere: the filter table's reject chains, nat
 * KUBE-SERVICES, and — when nat did not DNAT it — KUBE-FIREWALL, which INPUT jumps to.
 */
export function tracePacket(rules: string, pkt: Packet): TraceResult {
  const tables = parseRestore(rules);
  const out: TraceResult = { endpoints: [], masquerade: false, rejected: false, dropped: false };
  const filter = tables.get('filter') ?? new Map();
  walk(filter, 'KUBE-SERVICES', pkt, out);
  walk(filter, 'KUBE-EXTERNAL-SERVICES', pkt, out);
  if (!out.rejected) walk(tables.get('nat') ?? new Map(), 'KUBE-SERVICES', pkt, out);
  if (!out.rejected && out.endpoints.length === 0) walk(filter, 'KUBE-FIREWALL', pkt, out);
  return out;
}
