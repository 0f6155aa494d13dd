// What a drill leaves behind: the summary table for the terminal, the JSON object for --json,
// and under --out the picture (timeline.svg), a page embedding it (index.html) and the full
// report (report.json, with the raw recording).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeXml, MILESTONE_LABELS, renderSvg } from './svg';
import type { DrillReport, DrillResult, Timeline } from './types';

/** The `--json` object: exactly the documented fields, nothing of the recording. */
export function resultOf(r: DrillReport): DrillResult {
  return {
    drill: r.drill,
    node: r.node,
    profile: r.profile,
    timeline: r.timeline,
    availability: r.availability,
    objects: r.objects,
    result: r.result,
    reasons: r.reasons,
  };
}

const fmt = (t: number | null) => (t === null ? '—' : `+${t.toFixed(1)}s`);

export function summaryTable(r: DrillReport): string {
  const rows: [string, string][] = [
    ['drill', `${r.drill}${r.node ? ` on ${r.node}` : ''} (profile ${r.profile})`],
    ...(Object.entries(MILESTONE_LABELS) as [keyof Timeline, string][]).map(
      ([k, label]): [string, string] => [label, fmt(r.timeline[k])],
    ),
    [
      'availability',
      `${r.availability.percent}% (${r.availability.ok}/${r.availability.requests}), longest outage ${r.availability.longestOutageS}s`,
    ],
    [
      'objects',
      `before ${r.objects.before}, after ${r.objects.after}, lost ${r.objects.lost}, duplicated ${r.objects.duplicated}`,
    ],
    ['result', r.result.toUpperCase()],
    ...r.reasons.map((why): [string, string] => ['  because', why]),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export function renderHtml(r: DrillReport, svg: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(`nodekube drill ${r.drill} — ${r.result}`)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}pre{background:#f6f6f6;padding:12px;overflow:auto}</style>
</head><body>
${svg}
<pre>${escapeXml(summaryTable(r))}</pre>
<details><summary>result (the --json object)</summary><pre>${escapeXml(JSON.stringify(resultOf(r), null, 2))}</pre></details>
</body></html>
`;
}

/** `.nodekube/drills/2026-12-01T18-40-00-kubelet-stop` */
export function defaultOutDir(root: string, drill: string, at: Date): string {
  return join(root, '.nodekube/drills', `${at.toISOString().slice(0, 19).replaceAll(':', '-')}-${drill}`);
}

export function saveReport(dir: string, r: DrillReport): { svg: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const svg = renderSvg(r);
  const files = { svg: join(dir, 'timeline.svg'), html: join(dir, 'index.html') };
  writeFileSync(files.svg, svg);
  writeFileSync(files.html, renderHtml(r, svg));
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(r, null, 2)}\n`);
  return files;
}
