import type { DeployRecord, DeploySample } from '../deploy/record.js';

/**
 * The chart of a deploy's analysis, drawn by hand as SVG (no chart library): two panels over the deploy's time,
 * error rate and p95 latency, candidate against baseline, the budget as a dashed line, the traffic share at each
 * window, and a marker where it was rolled back. Every text is escaped; the output is well-formed XML.
 */

/** Escapes text for XML and HTML content and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

const W = 720;
const PANEL_H = 150;
const TOP = 40;
const GAP = 50;
const LEFT = 64;
const RIGHT = 24;
const COLORS = { candidate: '#d1495b', baseline: '#00798c', budget: '#6c757d', rollback: '#a4161a', grid: '#e9ecef', text: '#212529' };

interface Series {
  name: 'candidate' | 'baseline';
  points: { x: number; v: number; label: string }[];
}

function hhmmss(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(n: number): string {
  return Number(n.toFixed(2)).toString();
}

function panel(o: { y0: number; title: string; unit: string; series: Series[]; budget?: number; xs: (t: string) => number; samples: DeploySample[]; rollbackX?: number }): string {
  const all = o.series.flatMap((s) => s.points.map((p) => p.v));
  const max = niceMax(Math.max(...all, o.budget ?? 0, 0) * 1.1);
  const y = (v: number) => o.y0 + PANEL_H - (v / max) * PANEL_H;
  const out: string[] = [];
  out.push(`<text x="${LEFT}" y="${o.y0 - 10}" font-size="13" font-weight="bold" fill="${COLORS.text}">${esc(o.title)}</text>`);
  for (const f of [0, 0.5, 1]) {
    const yy = fmt(y(max * f));
    out.push(`<line x1="${LEFT}" y1="${yy}" x2="${W - RIGHT}" y2="${yy}" stroke="${COLORS.grid}" stroke-width="1"/>`);
    out.push(`<text x="${LEFT - 6}" y="${yy}" font-size="11" text-anchor="end" dominant-baseline="middle" fill="${COLORS.text}">${esc(fmt(max * f))}${esc(o.unit)}</text>`);
  }
  if (o.budget !== undefined) {
    const yb = fmt(y(o.budget));
    out.push(`<line x1="${LEFT}" y1="${yb}" x2="${W - RIGHT}" y2="${yb}" stroke="${COLORS.budget}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${W - RIGHT}" y="${fmt(y(o.budget) - 4)}" font-size="11" text-anchor="end" fill="${COLORS.budget}">budget ${esc(fmt(o.budget))}${esc(o.unit)}</text>`);
  }
  if (o.rollbackX !== undefined) {
    out.push(`<line x1="${fmt(o.rollbackX)}" y1="${o.y0}" x2="${fmt(o.rollbackX)}" y2="${o.y0 + PANEL_H}" stroke="${COLORS.rollback}" stroke-width="1.5" stroke-dasharray="2 3"/>`);
  }
  for (const s of o.series) {
    if (!s.points.length) continue;
    const color = COLORS[s.name];
    const pts = s.points.map((p) => `${fmt(p.x)},${fmt(y(p.v))}`).join(' ');
    out.push(`<polyline class="${s.name}" points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of s.points) out.push(`<circle cx="${fmt(p.x)}" cy="${fmt(y(p.v))}" r="3.5" fill="${color}"><title>${esc(p.label)}</title></circle>`);
  }
  // x axis: the times of the windows and the traffic share of each
  const base = o.y0 + PANEL_H;
  out.push(`<line x1="${LEFT}" y1="${base}" x2="${W - RIGHT}" y2="${base}" stroke="${COLORS.text}" stroke-width="1"/>`);
  o.samples.forEach((s, i) => {
    const x = fmt(o.xs(s.t));
    const label = i === 0 || i === o.samples.length - 1 || o.samples.length <= 8 ? hhmmss(s.t) : '';
    out.push(`<text x="${x}" y="${base + 14}" font-size="10" text-anchor="middle" fill="${COLORS.text}">${esc(label)}</text>`);
    out.push(`<text x="${x}" y="${base + 26}" font-size="10" text-anchor="middle" fill="${COLORS.budget}">${esc(`${s.weight}%`)}</text>`);
  });
  return out.join('\n');
}

/** The analysis chart of a deploy, or undefined when it has no samples. */
export function deployChart(d: DeployRecord): string | undefined {
  const samples = [...d.samples].filter((s) => !Number.isNaN(Date.parse(s.t))).sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
  if (!samples.length) return undefined;
  const t0 = Date.parse(samples[0]!.t);
  const rolledAt = d.outcome === 'rolled-back' && d.finishedAt && !Number.isNaN(Date.parse(d.finishedAt)) ? Date.parse(d.finishedAt) : undefined;
  const t1 = Math.max(Date.parse(samples[samples.length - 1]!.t), rolledAt ?? 0);
  const span = t1 - t0;
  const xs = (t: string) => (span > 0 ? LEFT + ((Date.parse(t) - t0) / span) * (W - LEFT - RIGHT) : LEFT + (W - LEFT - RIGHT) / 2);
  const series = (pick: (s: DeploySample['candidate']) => number | undefined, unit: string, scale: number): Series[] =>
    (['candidate', 'baseline'] as const).map((name) => ({
      name,
      points: samples.flatMap((s) => {
        const st = name === 'candidate' ? s.candidate : s.baseline;
        const v = st ? pick(st) : undefined;
        return v === undefined || !Number.isFinite(v) ? [] : [{ x: xs(s.t), v: v * scale, label: `${name} ${hhmmss(s.t)} at ${s.weight}%: ${fmt(v * scale)}${unit} (${st!.requests} requests, ${st!.errors} errors)` }];
      }),
    }));
  const rollbackX = rolledAt !== undefined ? xs(new Date(rolledAt).toISOString()) : undefined;
  const H = TOP + PANEL_H * 2 + GAP + 60;
  const titleId = `chart-${d.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${titleId}" font-family="system-ui, sans-serif">`,
    `<title id="${titleId}">${esc(`Deploy ${d.id} of ${d.service}: error rate and p95 latency, ${d.candidate.version} against ${d.baseline?.version ?? 'no baseline'}`)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    // legend
    `<g font-size="11" fill="${COLORS.text}">`,
    `<rect x="${LEFT}" y="8" width="12" height="4" fill="${COLORS.candidate}"/><text x="${LEFT + 16}" y="14">${esc(`candidate ${d.candidate.version}`)}</text>`,
    `<rect x="${LEFT + 220}" y="8" width="12" height="4" fill="${COLORS.baseline}"/><text x="${LEFT + 236}" y="14">${esc(`baseline ${d.baseline?.version ?? '-'}`)}</text>`,
    rollbackX !== undefined ? `<rect x="${LEFT + 440}" y="8" width="12" height="4" fill="${COLORS.rollback}"/><text x="${LEFT + 456}" y="14">rolled back</text>` : '',
    `</g>`,
    panel({ y0: TOP + 10, title: 'Error rate', unit: '%', series: series((s) => s.errorRate, '%', 100), budget: d.thresholds.maxErrorRate * 100, xs, samples, ...(rollbackX !== undefined ? { rollbackX } : {}) }),
    panel({ y0: TOP + 10 + PANEL_H + GAP, title: 'p95 latency', unit: ' ms', series: series((s) => s.p95Ms, ' ms', 1), ...(d.thresholds.maxP95Ms !== undefined ? { budget: d.thresholds.maxP95Ms } : {}), xs, samples, ...(rollbackX !== undefined ? { rollbackX } : {}) }),
    `</svg>`,
  ];
  return parts.filter(Boolean).join('\n') + '\n';
}
