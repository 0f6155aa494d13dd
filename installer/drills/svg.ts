// Pure: a drill report → one self-contained SVG (no scripts, no external fonts or images).
// Top to bottom, on one time axis in seconds from the fault:
//   one lane per node (Ready / NotReady / unreachable, hatched while tainted NoExecute),
//   Ready pods per node over time (a step line each),
//   availability per second (share of probe requests answered),
// with the fault, the restore and each milestone as vertical lines labelled at the top.
import type { DrillReport, NodeState, Timeline } from './types';

const W = 1000;
const LEFT = 150;
const RIGHT = 30;
const LANE_H = 22;
const LANE_GAP = 6;
const PODS_H = 120;
const AVAIL_H = 70;
const STATE_COLOR: Record<NodeState, string> = { Ready: '#3a9d5d', NotReady: '#e8a33d', Unknown: '#d64545' };
const STATE_LABEL: Record<NodeState, string> = {
  Ready: 'Ready',
  NotReady: 'NotReady',
  Unknown: 'unreachable',
};
const NODE_COLORS = ['#2f6db5', '#c2509b', '#1f9e9a', '#8a6d1f', '#6b4fbf', '#c25a2a'];
export const MILESTONE_LABELS: Record<keyof Timeline, string> = {
  nodeNotReadyAt: 'NotReady',
  taintedAt: 'tainted',
  podsEvictedAt: 'pods evicted',
  replacementsReadyAt: 'replacements Ready',
  nodeRecoveredAt: 'node recovered',
  clusterWholeAt: 'cluster whole',
};

export const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** A tick step giving about 8–12 ticks: 1, 2, 5, 10, 15, 30, 60 … seconds. */
export function tickStep(spanS: number): number {
  for (const s of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (spanS / s <= 12) return s;
  return 1200;
}

interface Mark {
  t: number;
  label: string;
  color: string;
  dash: string;
}

/** Rows for the top labels so that none overlaps its neighbour (greedy, by time). */
export function labelRows(xs: { x: number; width: number }[]): number[] {
  const rowEnds: number[] = [];
  return xs.map(({ x, width }) => {
    let row = rowEnds.findIndex((end) => end < x - 4);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = x + width;
    return row;
  });
}

export function renderSvg(r: DrillReport): string {
  const rel = (ms: number) => (ms - r.faultAt) / 1000;
  const tMin = -5;
  const tMax = Math.max(r.endedAt, 10);
  const x = (t: number) =>
    LEFT + ((Math.min(Math.max(t, tMin), tMax) - tMin) / (tMax - tMin)) * (W - LEFT - RIGHT);
  const out: string[] = [];

  const marks: Mark[] = [{ t: 0, label: 'fault', color: '#c62828', dash: '' }];
  // Node drills undo their fault; a control-plane drill's restart is done when it returns.
  if (r.restoredAt !== null)
    marks.push({
      t: r.restoredAt,
      label: r.node !== null ? 'restored' : 'restarted',
      color: '#1f5fbf',
      dash: '6 3',
    });
  for (const [k, label] of Object.entries(MILESTONE_LABELS) as [keyof Timeline, string][]) {
    const t = r.timeline[k];
    if (t !== null) marks.push({ t, label: `${label} +${t}s`, color: '#555', dash: '3 3' });
  }
  marks.sort((a, b) => a.t - b.t);
  const rows = labelRows(marks.map((m) => ({ x: x(m.t), width: m.label.length * 6.2 + 6 })));
  const nRows = Math.max(1, ...rows.map((n) => n + 1));

  const top = 78 + nRows * 15;
  const lanesTop = top + 8;
  const lanesH = r.nodes.length * (LANE_H + LANE_GAP);
  const podsTop = lanesTop + lanesH + 34;
  const availTop = podsTop + PODS_H + 34;
  const axisY = availTop + AVAIL_H;
  const H = axisY + 96;

  const verdictColor = r.result === 'pass' ? '#2e7d32' : '#c62828';
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    '<defs><pattern id="taint" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2.5" height="6" fill="rgba(0,0,0,0.28)"/></pattern></defs>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="20" y="28" font-size="18" font-weight="600">${escapeXml(`nodekube drill ${r.drill}${r.node ? ` on ${r.node}` : ''}`)}</text>`,
    `<text x="${W - RIGHT}" y="28" font-size="18" font-weight="700" text-anchor="end" fill="${verdictColor}">${r.result.toUpperCase()}</text>`,
    `<text x="20" y="48" fill="#555">${escapeXml(`profile ${r.profile} · ${r.startedAt} · ${r.replicas} replicas over ${r.nodes.length} minions · seconds from the fault`)}</text>`,
  );

  // Marks: a line through every section, its label in a staggered row at the top.
  marks.forEach((m, i) => {
    const mx = x(m.t);
    const ly = 70 + rows[i] * 15;
    out.push(
      `<line x1="${mx.toFixed(1)}" y1="${ly + 3}" x2="${mx.toFixed(1)}" y2="${axisY}" stroke="${m.color}" stroke-width="1.2"${m.dash ? ` stroke-dasharray="${m.dash}"` : ''}/>`,
      `<text x="${(mx + 3).toFixed(1)}" y="${ly}" fill="${m.color}" font-size="11">${escapeXml(m.label)}</text>`,
    );
  });

  // Node lanes.
  out.push(`<text x="20" y="${lanesTop - 4}" font-weight="600">Nodes</text>`);
  r.nodes.forEach((node, i) => {
    const y = lanesTop + 6 + i * (LANE_H + LANE_GAP);
    const samples = r.recording.nodes.filter((s) => s.node === node);
    out.push(
      `<text x="${LEFT - 8}" y="${y + LANE_H / 2 + 4}" text-anchor="end"${node === r.node ? ' font-weight="700"' : ''}>${escapeXml(node === r.node ? `${node} (target)` : node)}</text>`,
      `<rect x="${LEFT}" y="${y}" width="${W - LEFT - RIGHT}" height="${LANE_H}" fill="#eee"/>`,
    );
    samples.forEach((s, j) => {
      const from = Math.max(rel(s.t), tMin);
      const to = j + 1 < samples.length ? rel(samples[j + 1].t) : tMax;
      if (to <= tMin || from >= tMax) return;
      const x1 = x(from);
      const w = Math.max(0.5, x(to) - x1);
      out.push(
        `<rect x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${LANE_H}" fill="${STATE_COLOR[s.state]}"><title>${escapeXml(`${node}: ${STATE_LABEL[s.state]}${s.tainted ? ', tainted' : ''} from +${from.toFixed(1)}s`)}</title></rect>`,
      );
      if (s.tainted)
        out.push(
          `<rect x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${LANE_H}" fill="url(#taint)"/>`,
        );
    });
  });

  // Ready pods per node.
  const maxPods = Math.max(
    1,
    ...r.recording.pods.flatMap((c) => Object.values(c.ready)),
    r.replicas / Math.max(1, r.nodes.length),
  );
  const py = (n: number) => podsTop + PODS_H - (n / Math.ceil(maxPods)) * (PODS_H - 10);
  out.push(
    `<text x="20" y="${podsTop - 6}" font-weight="600">Ready pods per node</text>`,
    `<rect x="${LEFT}" y="${podsTop}" width="${W - LEFT - RIGHT}" height="${PODS_H}" fill="#fafafa" stroke="#ddd"/>`,
  );
  for (let n = 0; n <= Math.ceil(maxPods); n++)
    out.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${py(n).toFixed(1)}" y2="${py(n).toFixed(1)}" stroke="#e6e6e6"/>`,
      `<text x="${LEFT - 8}" y="${(py(n) + 4).toFixed(1)}" text-anchor="end" fill="#777" font-size="10">${n}</text>`,
    );
  r.nodes.forEach((node, i) => {
    const color = NODE_COLORS[i % NODE_COLORS.length];
    let d = '';
    let last: number | null = null;
    for (const c of r.recording.pods) {
      const t = Math.max(rel(c.t), tMin);
      const n = c.ready[node] ?? 0;
      if (t > tMax) break;
      d +=
        last === null ? `M${x(t).toFixed(1)},${py(n).toFixed(1)}` : `H${x(t).toFixed(1)}V${py(n).toFixed(1)}`;
      last = n;
    }
    if (last !== null) d += `H${x(tMax).toFixed(1)}`;
    // Offset each line by a pixel so equal counts do not hide one another.
    if (d)
      out.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="${node === r.node ? 2.6 : 1.8}" transform="translate(0 ${(i - (r.nodes.length - 1) / 2) * 1.5})"/>`,
      );
    const lx = LEFT + i * 130;
    out.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${podsTop + PODS_H + 16}" y2="${podsTop + PODS_H + 16}" stroke="${color}" stroke-width="2.5"/>`,
      `<text x="${lx + 23}" y="${podsTop + PODS_H + 20}" font-size="11">${escapeXml(node)}</text>`,
    );
  });

  // Availability per second.
  out.push(
    `<text x="20" y="${availTop - 6}" font-weight="600">Availability</text>`,
    `<text x="20" y="${availTop + 12}" fill="#555" font-size="11">answered / sent</text>`,
    `<text x="20" y="${availTop + 26}" fill="#555" font-size="11">per second</text>`,
    `<rect x="${LEFT}" y="${availTop}" width="${W - LEFT - RIGHT}" height="${AVAIL_H}" fill="#fafafa" stroke="#ddd"/>`,
  );
  const buckets = new Map<number, { sent: number; ok: number }>();
  for (const p of r.recording.probes) {
    const s = Math.floor(rel(p.t));
    const b = buckets.get(s) ?? { sent: 0, ok: 0 };
    b.sent++;
    if (p.ok) b.ok++;
    buckets.set(s, b);
  }
  for (const [s, b] of [...buckets].sort((a, c) => a[0] - c[0])) {
    if (s < tMin || s >= tMax) continue;
    const share = b.ok / b.sent;
    const bw = Math.max(1, x(s + 1) - x(s) - 0.6);
    const fill = share === 1 ? '#3a9d5d' : share === 0 ? '#d64545' : '#e8a33d';
    const h = share === 0 ? AVAIL_H : share * AVAIL_H;
    out.push(
      `<rect x="${x(s).toFixed(1)}" y="${(availTop + AVAIL_H - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"${share === 0 ? ' fill-opacity="0.35"' : ''}><title>+${s}s: ${b.ok}/${b.sent}</title></rect>`,
    );
  }

  // Time axis.
  const step = tickStep(tMax - tMin);
  out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${axisY}" y2="${axisY}" stroke="#333"/>`);
  for (let t = Math.ceil(tMin / step) * step; t <= tMax; t += step)
    out.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${axisY}" y2="${axisY + 5}" stroke="#333"/>`,
      `<text x="${x(t).toFixed(1)}" y="${axisY + 18}" text-anchor="middle" font-size="11">${t > 0 ? '+' : ''}${t}s</text>`,
    );

  // Legend and summary.
  const ly = axisY + 40;
  let lx = LEFT;
  for (const s of ['Ready', 'NotReady', 'Unknown'] as NodeState[]) {
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="14" height="12" fill="${STATE_COLOR[s]}"/><text x="${lx + 19}" y="${ly}" font-size="11">${STATE_LABEL[s]}</text>`,
    );
    lx += 100;
  }
  out.push(
    `<rect x="${lx}" y="${ly - 10}" width="14" height="12" fill="#3a9d5d"/><rect x="${lx}" y="${ly - 10}" width="14" height="12" fill="url(#taint)"/><text x="${lx + 19}" y="${ly}" font-size="11">tainted NoExecute</text>`,
  );
  const a = r.availability;
  const o = r.objects;
  out.push(
    `<text x="20" y="${ly + 24}" fill="#333">${escapeXml(`availability ${a.percent}% (${a.ok}/${a.requests} requests), longest outage ${a.longestOutageS}s · objects before ${o.before}, after ${o.after}, lost ${o.lost}, duplicated ${o.duplicated}`)}</text>`,
  );
  if (r.reasons.length)
    out.push(`<text x="20" y="${ly + 42}" fill="#c62828">${escapeXml(r.reasons.join('; '))}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
