import { LineIndex } from '../../../core/lines.js';
import type { FileLocation } from '../../../core/types.js';

/** Template and component files whose unescaped output the SAST scanner checks. */
export const TEMPLATE_FILES = /\.(ejs|pug|jade|hbs|handlebars|mustache|njk|nunjucks|vue|svelte)$/;

/** The rule behind template findings. */
export const TEMPLATE_RULE = {
  id: 'js-template-unescaped', title: 'Unescaped output in a template', severity: 'medium' as const, confidence: 'medium' as const, cwe: ['CWE-79'],
  help: 'A template writes a value without HTML escaping (`<%- x %>` in EJS, `!{x}` or `p!= x` in Pug, `{{{x}}}` in Handlebars/Mustache, `{{ x | safe }}` in Nunjucks, `v-html` in Vue, `{@html x}` in Svelte). If the value can hold user input this is cross-site scripting. Use the escaping form (`<%= %>`, `#{}`, `{{ }}`, text interpolation) or sanitise the HTML with DOMPurify first. Includes, partials and layout bodies are not reported.',
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
  [/\.(njk|nunjucks)$/, [/\{\{-?\s*((?:(?!\}\})[^|])+?(?:\|(?:(?!\}\}).)*?)?)\|\s*safe\s*-?\}\}/g]],
  [/\.vue$/, [/\bv-html\s*=\s*"([^"]+)"/g, /\bv-html\s*=\s*'([^']+)'/g]],
  [/\.svelte$/, [/\{@html\s+([^}]+)\}/g]],
];

/** Expressions that are not data: includes, partials, layout bodies, string literals. */
const NOT_DATA = /^(include|contentFor|defineContent|partial|block|yield)\b|^(body|content|layoutBody|defaultLayout)$|^(['"`]).*\3$|^\d+$/;

/** Every unescaped output of a data expression in a template file, in line order. */
export function templateHits(path: string, text: string, syntax?: string): TemplateHit[] {
  const entry = BY_EXT.find(([re]) => re.test(syntax ? `x.${syntax}` : path));
  return entry ? matchOutputs(path, text, entry[1]) : [];
}

/** Nunjucks outputs that are escaped only while autoescaping is on (`{{ x }}`, not `| safe` nor `| escape`). */
const NUNJUCKS_PLAIN = /\{\{-?\s*((?:(?!\}\}).)+?)\s*-?\}\}/g;

/**
 * A template's unescaped outputs (`syntax`: the engine's extension, for an `.html` view) and, for Nunjucks, its plain `{{ x }}` outputs, which are unescaped when the app
 * turns autoescaping off (views.ts links both to the locals `res.render` hands the template).
 */
export function templateOutputs(path: string, text: string, syntax?: string): { unescaped: TemplateHit[]; plain: TemplateHit[] } {
  const unescaped = templateHits(path, text, syntax);
  const plain = /\.(njk|nunjucks)$/.test(syntax ? `x.${syntax}` : path) ? matchOutputs(path, text, [NUNJUCKS_PLAIN]).filter((h) => !/\|\s*(safe|e|escape)\b/.test(h.expr)) : [];
  return { unescaped, plain };
}

function matchOutputs(path: string, text: string, res: RegExp[]): TemplateHit[] {
  const out: TemplateHit[] = [];
  const lines = new LineIndex(text);
  for (const re of res) {
    for (const m of text.matchAll(re)) {
      const expr = m[1]!.trim();
      if (!expr || NOT_DATA.test(expr)) continue;
      const start = lines.at(m.index);
      const end = lines.at(m.index + m[0].length);
      out.push({
        expr: expr.replace(/\s+/g, ' ').slice(0, 120),
        loc: { path, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, snippet: lines.lineText(start.line).trim().slice(0, 300) },
      });
    }
  }
  return out.sort((a, b) => (a.loc.startLine ?? 0) - (b.loc.startLine ?? 0));
}
