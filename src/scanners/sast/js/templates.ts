import type { FileLocation } from '../../../core/types.js';

/** Template and component files whose unescaped output the SAST scanner checks. */
export const TEMPLATE_FILES = /\.(ejs|pug|jade|hbs|handlebars|mustache|vue|svelte)$/;

/** The rule behind template findings. */
export const TEMPLATE_RULE = {
  id: 'js-template-unescaped', title: 'Unescaped output in a template', severity: 'medium' as const, confidence: 'medium' as const, cwe: ['CWE-79'],
  help: 'A template writes a value without HTML escaping (`<%- x %>` in EJS, `!{x}` or `p!= x` in Pug, `{{{x}}}` in Handlebars/Mustache, `v-html` in Vue, `{@html x}` in Svelte). If the value can hold user input this is cross-site scripting. Use the escaping form (`<%= %>`, `#{}`, `{{ }}`, text interpolation) or sanitise the HTML with DOMPurify first. Includes, partials and layout bodies are not reported.',
};

/** One unescaped output: where, and the expression written. */
export interface TemplateHit {
  loc: FileLocation;
  expr: string;
}

const BY_EXT: [RegExp, RegExp[]][] = [
  [/\.ejs$/, [/<%-\s*([\s\S]+?)\s*[-_]?%>/g]],
  [/\.(pug|jade)$/, [/!\{([^}]+)\}/g, /^[ \t]*[\w.#:-]*(?:\([^)\n]*\))?!=[ \t]*(.+)$/gm]],
  [/\.(hbs|handlebars|mustache)$/, [/\{\{\{\s*([^}]+?)\s*\}\}\}/g, /\{\{&\s*([^}]+?)\s*\}\}/g]],
  [/\.vue$/, [/\bv-html\s*=\s*"([^"]+)"/g, /\bv-html\s*=\s*'([^']+)'/g]],
  [/\.svelte$/, [/\{@html\s+([^}]+)\}/g]],
];

/** Expressions that are not data: includes, partials, layout bodies, string literals. */
const NOT_DATA = /^(include|contentFor|defineContent|partial|block|yield)\b|^(body|content|layoutBody|defaultLayout)$|^(['"`]).*\3$|^\d+$/;

/** Every unescaped output of a data expression in a template file (comments are not skipped: `<%#` and `{{!` are). */
export function templateHits(path: string, text: string): TemplateHit[] {
  const entry = BY_EXT.find(([re]) => re.test(path));
  if (!entry) return [];
  const out: TemplateHit[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const re of entry[1]) {
    for (const m of text.matchAll(re)) {
      const expr = m[1]!.trim();
      if (!expr || NOT_DATA.test(expr)) continue;
      const start = m.index;
      const line = lineOf(start);
      const endLine = lineOf(start + m[0].length);
      const snippet = text.slice(lineStarts[line], lineStarts[line + 1] ?? text.length).trim().slice(0, 300);
      out.push({
        expr: expr.replace(/\s+/g, ' ').slice(0, 120),
        loc: {
          path, startLine: line + 1, startColumn: start - lineStarts[line]! + 1, endLine: endLine + 1,
          endColumn: start + m[0].length - lineStarts[endLine]! + 1, snippet,
        },
      });
    }
  }
  return out.sort((a, b) => (a.loc.startLine ?? 0) - (b.loc.startLine ?? 0));
}
