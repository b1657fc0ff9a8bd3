/**
 * HTML by tagged template: every interpolated value is escaped unless it is already {@link Html} (made by
 * this tag or {@link raw}), so report text (messages, paths, snippets) can never become markup.
 */

/** Markup that is safe to embed as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Markup written by us, trusted as is (never pass user or report text). */
export function raw(s: string): Html {
  return new Html(s);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** The tag: `html\`<p>${text}</p>\``. Arrays are joined; null, undefined and booleans render nothing. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** A query string from parameters, skipping empty ones (`?a=1&b=2`, or '' when none). */
export function query(params: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== '') q.append(k, x);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A date (UTC) of epoch ms, or '—'. */
export function day(t: number | null | undefined): string {
  return t === null || t === undefined ? '—' : new Date(t).toISOString().slice(0, 10);
}

/** A time (UTC, to the minute) of epoch ms. */
export function minute(t: number | null | undefined): string {
  return t === null || t === undefined ? '—' : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The path of a project's page (names may hold `/`). */
export function projectHref(name: string): string {
  return `/projects/${encodeURIComponent(name)}`;
}
