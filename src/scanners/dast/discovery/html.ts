/**
 * What a crawler needs from an HTML page, read with a tolerant tag scanner (no DOM): links, forms and their
 * fields, resources a page loads (for mixed content), and a meta refresh. Bounded: pages are cut at the client's
 * body limit, and at most a few thousand tags are read.
 */

/** A form field. */
export interface FormField {
  name: string;
  type: string;
  value: string;
}

/** A form: where it goes, how, with what. */
export interface Form {
  action: string;
  method: string;
  enctype: string;
  fields: FormField[];
}

/** What {@link parseHtml} finds. */
export interface HtmlFacts {
  links: string[];
  forms: Form[];
  /** `[tag, url]` of loaded resources: script, link stylesheet, iframe, img, audio, video, source, object. */
  resources: [string, string][];
  refresh?: string;
}

const MAX_TAGS = 5000;
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
const ATTR = /([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;

/** Attributes of a tag, names in lower case, entities in values decoded. */
export function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(text), n = 0; m && n < 200; m = ATTR.exec(text), n++) {
    let v = m[2] ?? '';
    if (v.startsWith('"') || v.startsWith("'")) v = v.slice(1, -1);
    out[m[1]!.toLowerCase()] = decodeEntities(v);
  }
  return out;
}

/** Decodes the common HTML entities. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (all, e: string) => {
    const l = e.toLowerCase();
    if (l === 'amp') return '&';
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'quot') return '"';
    if (l === 'apos' || l === '#39') return "'";
    const code = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
  });
}

/** Links, forms and resources of an HTML page, resolved against `pageUrl` (and a `<base href>`). */
export function parseHtml(html: string, pageUrl: string): HtmlFacts {
  const facts: HtmlFacts = { links: [], forms: [], resources: [] };
  let base = pageUrl;
  let form: Form | undefined;
  const resolve = (u: string): string | undefined => {
    const t = u.trim();
    if (!t || /^(javascript|mailto|tel|data|about):/i.test(t) || t.startsWith('#')) return undefined;
    try {
      const r = new URL(t, base);
      r.hash = '';
      return r.href;
    } catch {
      return undefined;
    }
  };
  TAG.lastIndex = 0;
  let n = 0;
  for (let m = TAG.exec(html); m && n < MAX_TAGS; m = TAG.exec(html), n++) {
    const closing = m[1] === '/';
    const tag = m[2]!.toLowerCase();
    if (closing) {
      if (tag === 'form' && form) {
        facts.forms.push(form);
        form = undefined;
      }
      continue;
    }
    const a = attributes(m[3] ?? '');
    switch (tag) {
      case 'base':
        if (a.href) base = resolve(a.href) ?? base;
        break;
      case 'a':
      case 'area': {
        const u = a.href !== undefined ? resolve(a.href) : undefined;
        if (u) facts.links.push(u);
        break;
      }
      case 'link': {
        const u = a.href !== undefined ? resolve(a.href) : undefined;
        if (u && /stylesheet|icon|preload|modulepreload/i.test(a.rel ?? '')) facts.resources.push(['link', u]);
        else if (u && /alternate|next|prev/i.test(a.rel ?? '')) facts.links.push(u);
        break;
      }
      case 'script':
      case 'img':
      case 'iframe':
      case 'frame':
      case 'audio':
      case 'video':
      case 'source':
      case 'embed': {
        const u = a.src !== undefined ? resolve(a.src) : undefined;
        if (u) facts.resources.push([tag, u]);
        if (u && (tag === 'iframe' || tag === 'frame')) facts.links.push(u);
        break;
      }
      case 'object': {
        const u = a.data !== undefined ? resolve(a.data) : undefined;
        if (u) facts.resources.push([tag, u]);
        break;
      }
      case 'meta':
        if ((a['http-equiv'] ?? '').toLowerCase() === 'refresh' && a.content) {
          const mm = /url\s*=\s*['"]?([^'"]+)/i.exec(a.content);
          const u = mm ? resolve(mm[1]!) : undefined;
          if (u) {
            facts.refresh = u;
            facts.links.push(u);
          }
        }
        break;
      case 'form':
        if (form) facts.forms.push(form);
        form = {
          action: resolve(a.action ?? '') ?? pageUrl.replace(/#.*$/, ''),
          method: (a.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET',
          enctype: (a.enctype ?? 'application/x-www-form-urlencoded').toLowerCase(),
          fields: [],
        };
        break;
      case 'input':
      case 'textarea':
      case 'select':
      case 'button':
        if (form && a.name && !(tag === 'input' && /^(submit|image|reset|file)$/i.test(a.type ?? '')) && tag !== 'button') {
          form.fields.push({ name: a.name, type: (a.type ?? (tag === 'input' ? 'text' : tag)).toLowerCase(), value: a.value ?? '' });
        }
        break;
    }
  }
  if (form) facts.forms.push(form);
  return facts;
}

/** A value to fill a form field with when it has none. */
export function fillValue(f: FormField): string {
  if (f.value) return f.value;
  switch (f.type) {
    case 'email':
      return 'pipeguard@example.com';
    case 'number':
    case 'range':
      return '1';
    case 'password':
      return 'Pipeguard-1';
    case 'url':
      return 'https://example.com/';
    case 'tel':
      return '5550100';
    case 'date':
      return '2024-01-01';
    case 'checkbox':
    case 'radio':
      return 'on';
    default:
      return 'pipeguard';
  }
}
