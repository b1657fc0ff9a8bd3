/**
 * Charts as server-drawn SVG (no script, no library): a line per severity of open findings by day, and bars of
 * mean days to fix by week. Each has a title for screen readers and its numbers in a table beside it.
 */
import { SEVERITIES, type Severity } from '../../core/types.js';
import type { MttfPoint, TrendPoint } from '../store/trends.js';
import { html, raw, type Html } from './html.js';

/** Stroke colours per severity (presentation attributes, allowed by the page's content security policy). */
export const SEV_COLOURS: Record<Severity, string> = { critical: '#8c1d18', high: '#d1242f', medium: '#bf8700', low: '#1f883d', info: '#6e7781' };

const W = 640;
const H = 200;
const PAD = { l: 40, r: 10, t: 10, b: 24 };

function niceMax(v: number): number {
  if (v <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / p) * p;
}

/** Open findings by severity over days. */
export function trendChart(points: TrendPoint[], label: string): Html {
  const max = niceMax(Math.max(0, ...points.flatMap((p) => SEVERITIES.map((s) => p.counts[s]))));
  const x = (i: number) => PAD.l + (points.length <= 1 ? 0 : (i * (W - PAD.l - PAD.r)) / (points.length - 1));
  const y = (v: number) => H - PAD.b - (v * (H - PAD.t - PAD.b)) / max;
  const lines = SEVERITIES.map((s) => {
    const pts = points.map((p, i) => `${x(i).toFixed(1)},${y(p.counts[s]).toFixed(1)}`).join(' ');
    return raw(`<polyline fill="none" stroke="${SEV_COLOURS[s]}" stroke-width="2" points="${pts}"/>`);
  });
  const ticks = [0, max / 2, max].map((v) => raw(`<text x="${PAD.l - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text><line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(v)}" y2="${y(v)}" stroke="#d0d7de"/>`));
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  return html`<figure>
<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="t-${label}">
<title id="t-${label}">Open findings by severity per day, ${first} to ${last}</title>
${ticks}${lines}
<text x="${PAD.l}" y="${H - 6}">${first}</text><text x="${W - PAD.r}" y="${H - 6}" text-anchor="end">${last}</text>
</svg>
<ul class="legend">${SEVERITIES.map((s) => html`<li><span class="swatch sev-${s}" aria-hidden="true"></span>${s}</li>`)}</ul>
<details><summary>Chart data</summary>
<table><thead><tr><th scope="col">Day</th>${SEVERITIES.map((s) => html`<th scope="col" class="num">${s}</th>`)}</tr></thead>
<tbody>${points.map((p) => html`<tr><td>${p.day}</td>${SEVERITIES.map((s) => html`<td class="num">${p.counts[s]}</td>`)}</tr>`)}</tbody></table>
</details>
</figure>`;
}

/** Mean days to fix per week, as bars. */
export function mttfChart(points: MttfPoint[], label: string): Html {
  const max = niceMax(Math.max(0, ...points.map((p) => p.meanDays)));
  const bw = (W - PAD.l - PAD.r) / Math.max(points.length, 1);
  const y = (v: number) => H - PAD.b - (v * (H - PAD.t - PAD.b)) / max;
  const bars = points.map((p, i) =>
    raw(`<rect x="${(PAD.l + i * bw + 2).toFixed(1)}" y="${y(p.meanDays).toFixed(1)}" width="${Math.max(bw - 4, 1).toFixed(1)}" height="${(H - PAD.b - y(p.meanDays)).toFixed(1)}" fill="#0969da"/>`),
  );
  const ticks = [0, max / 2, max].map((v) => raw(`<text x="${PAD.l - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`));
  return html`<figure>
<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="m-${label}">
<title id="m-${label}">Mean days to fix, by week of the fix</title>
${ticks}${bars}
<text x="${PAD.l}" y="${H - 6}">${points[0]?.week ?? ''}</text><text x="${W - PAD.r}" y="${H - 6}" text-anchor="end">${points[points.length - 1]?.week ?? ''}</text>
</svg>
<details><summary>Chart data</summary>
<table><thead><tr><th scope="col">Week of</th><th scope="col" class="num">Fixed</th><th scope="col" class="num">Mean days to fix</th></tr></thead>
<tbody>${points.map((p) => html`<tr><td>${p.week}</td><td class="num">${p.fixed}</td><td class="num">${p.meanDays.toFixed(1)}</td></tr>`)}</tbody></table>
</details>
</figure>`;
}
