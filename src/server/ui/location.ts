/** A finding's location, rendered per kind: file region, package, HTTP request, image layer, step, repository. */
import { html, type Html } from './html.js';

type Obj = Record<string, unknown>;

function s(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function at(loc: Obj): string {
  const line = s(loc['startLine']);
  return line ? `:${line}${s(loc['startColumn']) ? `:${s(loc['startColumn'])}` : ''}` : '';
}

/** A safe link target: only http(s) URLs. */
function safeUrl(v: unknown): string | undefined {
  const u = s(v);
  return u && /^https?:\/\//i.test(u) ? u : undefined;
}

/** One line for lists: where the finding is, short. */
export function locationShort(kind: string, path: string, line: number | null): string {
  if (kind === 'file' || kind === 'package' || kind === 'step') return `${path}${line ? `:${line}` : ''}`;
  return path;
}

/** The full location block of the finding page. */
export function locationBlock(loc: Obj, detail: Obj): Html {
  const kind = s(loc['kind']) ?? 'file';
  const facts: [string, Html | string][] = [['Kind', kind]];
  switch (kind) {
    case 'package': {
      facts.push(['Package', s(loc['purl']) ?? '—'], ['Declared in', `${s(loc['path']) ?? '—'}${at(loc)}`]);
      if (s(loc['layer'])) facts.push(['Layer', s(loc['layer'])!]);
      break;
    }
    case 'http': {
      const url = s(loc['url']) ?? '';
      facts.push(['Request', `${s(loc['method']) ?? 'GET'} ${url}`]);
      if (s(loc['pathTemplate'])) facts.push(['Route', s(loc['pathTemplate'])!]);
      if (s(loc['parameter'])) facts.push(['Parameter', `${s(loc['parameter'])}${s(loc['parameterIn']) ? ` (in ${s(loc['parameterIn'])})` : ''}`]);
      break;
    }
    case 'image':
      facts.push(['Image', s(loc['image']) ?? '—'], ['Layer', s(loc['layer']) ?? '—'], ['File', `${s(loc['path']) ?? '—'}${at(loc)}`]);
      if (s(loc['createdBy'])) facts.push(['Created by', html`<code>${s(loc['createdBy'])!}</code>`]);
      break;
    case 'step':
      facts.push(['Pipeline', s(loc['pipeline']) ?? '—'], ['Step', [s(loc['stage']), s(loc['step'])].filter(Boolean).join(' › ') || '—']);
      if (s(loc['runId'])) facts.push(['Run', s(loc['runId'])!]);
      if (s(loc['path'])) facts.push(['File', `${s(loc['path'])}${at(loc)}`]);
      break;
    case 'repository': {
      const url = safeUrl(loc['url']);
      facts.push(['Repository', s(loc['repository']) ?? '—']);
      if (s(loc['setting'])) facts.push(['Setting', s(loc['setting'])!]);
      if (url) facts.push(['Link', html`<a href="${url}" rel="noopener noreferrer">${url}</a>`]);
      break;
    }
    default:
      facts.push(['File', html`<code class="path">${s(loc['path']) ?? '—'}${at(loc)}</code>`]);
      if (s(loc['logical'])) facts.push(['Names', s(loc['logical'])!]);
  }
  const data = (detail['data'] ?? {}) as Obj;
  if (Array.isArray(data['dependencyPath'])) facts.push(['Dependency path', (data['dependencyPath'] as unknown[]).map(String).join(' → ')]);
  const snippet = s(loc['snippet']);
  return html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${snippet ? html`<h3>Code</h3><pre><code>${snippet}</code></pre>` : ''}`;
}

/** Taint path steps (SARIF codeFlows / pipeguard flow). */
export function flowBlock(flow: unknown): Html {
  if (!Array.isArray(flow) || !flow.length) return html``;
  return html`<section class="flow" aria-labelledby="flow-h"><h2 id="flow-h">Data flow</h2><ol>${flow.map((step: Obj) => {
    const loc = (step['location'] ?? {}) as Obj;
    return html`<li><code class="path">${s(loc['path']) ?? s(loc['url']) ?? '?'}${at(loc)}</code> ${s(step['message']) ?? ''}${s(loc['snippet']) ? html`<pre><code>${s(loc['snippet'])!}</code></pre>` : ''}</li>`;
  })}</ol></section>`;
}

function headers(h: unknown): string {
  if (!h || typeof h !== 'object') return '';
  return Object.entries(h as Obj).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
}

function body(b: unknown): string {
  return b && typeof b === 'object' ? (s((b as Obj)['text']) ?? '') : '';
}

/** The request and response of a DAST finding (SARIF webRequest / webResponse). */
export function exchangeBlock(detail: Obj): Html {
  const req = detail['request'] as Obj | undefined;
  const res = detail['response'] as Obj | undefined;
  if (!req && !res) return html``;
  return html`<section aria-labelledby="http-h"><h2 id="http-h">Request and response</h2>
${req ? html`<h3>Request</h3><pre><code>${`${s(req['method']) ?? 'GET'} ${s(req['target']) ?? ''}\n${headers(req['headers'])}\n\n${body(req['body'])}`.trim()}</code></pre>` : ''}
${res ? html`<h3>Response</h3><pre><code>${`${s(res['statusCode']) ?? ''} ${s(res['reasonPhrase']) ?? ''}\n${headers(res['headers'])}\n\n${body(res['body'])}`.trim()}</code></pre>` : ''}
</section>`;
}
