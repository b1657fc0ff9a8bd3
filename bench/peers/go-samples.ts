// Turns excerpts of the peers' rule generators (gitleaks `cmd/generate/config/rules/*.go`, betterleaks
// `config/generate/rules/*.go`, MIT: see LICENSE-peers) into bench/peers/samples.jsonl lines, so that no sample is
// re-typed by hand (Go's escapes and raw strings are read by a small Go string tokenizer, not by eye).
//
// It reads, in order: `RuleID: "id"` (the rule the samples that follow belong to), and the `tps` / `fps` slices
// (`tps := []string{…}`, `tps = append(tps, …)`, `tps := utils.GenerateSampleSecrets(…)`). Each element becomes:
// - a string literal: `{"text": …}`;
// - `GenerateSampleSecrets("id", "secret")`: `{"gen": ["id", "secret"]}` (GenerateSampleSecret, one form:
//   `{"text": "id_api_token = \\"secret\\""}`);
// - `GenerateSampleSecrets("id", secrets.NewSecret(regex))`: `{"genRe": ["id", regex]}` (the bench draws secrets
//   from the regex, as the peer does at generation time);
// - string literals joined by `+` with one `secrets.NewSecret(regex)`: `{"tpl": "…{{s}}…", "re": regex}`.
// Anything else (loops, helper variables) is counted as skipped and printed to stderr.
//
// Run: node --import tsx bench/peers/go-samples.ts excerpt.go [more.go...] >> bench/peers/samples.jsonl
import { readFileSync } from 'node:fs';

type Tok = { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'p'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2) + 2;
    } else if (/\s/.test(c)) i++;
    else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      out.push({ t: 'str', v: src.slice(i + 1, j).replace(/\r/g, '') });
      i = j + 1;
    } else if (c === '"') {
      let v = '';
      i++;
      while (src[i] !== '"') {
        if (src[i] === '\\') {
          const e = src[i + 1]!;
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (e in simple) {
            v += simple[e];
            i += 2;
          } else if (e === 'x') {
            v += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
            i += 4;
          } else if (e === 'u') {
            v += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
          } else throw new Error(`escape \\${e}`);
        } else v += src[i++];
      }
      out.push({ t: 'str', v });
      i++;
    } else if (/[\w.]/.test(c)) {
      let j = i;
      while (j < src.length && /[\w.]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j) });
      i = j;
    } else if (c === ':' && src[i + 1] === '=') {
      out.push({ t: 'p', v: ':=' });
      i += 2;
    } else {
      out.push({ t: 'p', v: c });
      i++;
    }
  }
  return out;
}

/** Regex helpers of the peers' generator utils, by name (size argument `n`). */
const HELPERS: Record<string, (n: string) => string> = {
  Hex: (n) => `[a-f0-9]{${n}}`,
  AlphaNumeric: (n) => `[a-z0-9]{${n}}`,
  AlphaNumericExtendedShort: (n) => `[a-z0-9_-]{${n}}`,
  AlphaNumericExtended: (n) => `[a-z0-9=_\\-]{${n}}`,
  AlphaNumericExtendedLong: (n) => `[a-z0-9\\/=_\\+\\-]{${n}}`,
  Numeric: (n) => `[0-9]{${n}}`,
  Hex8_4_4_4_12: () => '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
};

const escapeRe = (v: string) => v.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * The regex a Go expression stands for, or null: string literals (regex text inside `secrets.NewSecret(…)`, literal
 * text outside it when `literal`), the utils' regex helpers and `secrets.NewSecret(…)`, joined by `+`.
 */
function regexOf(toks: Tok[], literal: boolean): string | null {
  let out = '';
  for (const p of splitPlus(toks) ?? [toks]) {
    const head = p[0];
    // Older generators call the helpers unexported (`alphaNumeric("32")`, `numeric("32")`).
    const raw = head?.t === 'id' ? head.v.split('.').pop()! : '';
    const name = raw.charAt(0).toUpperCase() + raw.slice(1);
    if (p.length === 1 && head?.t === 'str') out += literal ? escapeRe(head.v) : head.v;
    else if (name === 'NewSecret' && p[1]?.v === '(') {
      const inner = regexOf(inside(p, 1)[0], false);
      if (inner === null) return null;
      out += `(?:${inner})`;
    } else if (HELPERS[name] && p[1]?.v === '(') {
      const [args] = inside(p, 1);
      out += HELPERS[name]!(args[0]?.t === 'str' ? args[0].v : '');
    } else return null;
  }
  return out;
}

/** Splits tokens at top-level commas. */
function splitArgs(toks: Tok[]): Tok[][] {
  const parts: Tok[][] = [[]];
  let depth = 0;
  for (const k of toks) {
    if (k.t === 'p' && '([{'.includes(k.v)) depth++;
    if (k.t === 'p' && ')]}'.includes(k.v)) depth--;
    if (depth === 0 && k.t === 'p' && k.v === ',') parts.push([]);
    else parts[parts.length - 1]!.push(k);
  }
  return parts.filter((p) => p.length);
}

/** The tokens inside the bracket opening at `open`, and the index after its close. */
function inside(toks: Tok[], open: number): [Tok[], number] {
  let depth = 0;
  for (let j = open; j < toks.length; j++) {
    const k = toks[j]!;
    if (k.t === 'p' && '([{'.includes(k.v)) depth++;
    if (k.t === 'p' && ')]}'.includes(k.v) && --depth === 0) return [toks.slice(open + 1, j), j + 1];
  }
  throw new Error('unbalanced');
}

const lines: string[] = [];
let skipped = 0;

function element(rule: string, kind: string, el: Tok[]): void {
  const toks = el.at(-1)?.v === '.' ? el.filter((k, i) => !(i >= el.length - 3 && k.v === '.')) : el;
  const head = toks[0];
  if (toks.length === 1 && head?.t === 'str') {
    lines.push(JSON.stringify({ rule, kind, text: head.v }));
    return;
  }
  if (head?.t === 'id' && /[Gg]enerateSampleSecrets?$/.test(head.v) && toks[1]?.v === '(') {
    const [args] = inside(toks, 1);
    const [id, secret] = splitArgs(args);
    if (id?.length === 1 && id[0]!.t === 'str' && secret && !head.v.endsWith('Secrets')) {
      // GenerateSampleSecret (one form): `<id>_api_token = "<secret>"`.
      const before = `${id[0]!.v}_api_token = "`;
      if (secret.length === 1 && secret[0]!.t === 'str') {
        lines.push(JSON.stringify({ rule, kind, text: `${before}${secret[0]!.v}"` }));
        return;
      }
      const re = regexOf(secret, true);
      if (re !== null) {
        lines.push(JSON.stringify({ rule, kind, tpl: `${before}{{s}}"`, re }));
        return;
      }
    }
    if (id?.length === 1 && id[0]!.t === 'str' && secret) {
      if (secret.length === 1 && secret[0]!.t === 'str') {
        lines.push(JSON.stringify({ rule, kind, gen: [id[0]!.v, secret[0]!.v] }));
        return;
      }
      const re = regexOf(secret, true);
      if (re !== null) {
        lines.push(JSON.stringify({ rule, kind, genRe: [id[0]!.v, re] }));
        return;
      }
    }
  }
  // "a" + secrets.NewSecret(re) + "b", or secrets.NewSecret(re) alone
  const parts = splitPlus(toks) ?? (head?.t === 'id' && /NewSecret$/.test(head.v) ? [toks] : null);
  if (parts) {
    let tpl = '';
    let re: string | null = null;
    let ok = true;
    for (const p of parts) {
      if (p.length === 1 && p[0]!.t === 'str') tpl += p[0]!.v;
      else if (p[0]?.t === 'id' && /NewSecret$/.test(p[0].v) && re === null) {
        re = regexOf(inside(p, 1)[0], false);
        tpl += '{{s}}';
        if (re === null) ok = false;
      } else ok = false;
    }
    if (ok && re !== null) {
      lines.push(JSON.stringify({ rule, kind, tpl, re }));
      return;
    }
    // Several drawn parts (`"a" + NewSecret(r1) + "_" + NewSecret(r2)`): the whole sample is drawn from one regex.
    const whole = regexOf(toks, true);
    if (whole !== null) {
      lines.push(JSON.stringify({ rule, kind, tpl: '{{s}}', re: whole }));
      return;
    }
  }
  skipped++;
  process.stderr.write(`skipped ${rule} ${kind}: ${toks.map((k) => k.v).join(' ').slice(0, 120)}\n`);
}

function splitPlus(toks: Tok[]): Tok[][] | null {
  const parts: Tok[][] = [[]];
  let depth = 0;
  for (const k of toks) {
    if (k.t === 'p' && '([{'.includes(k.v)) depth++;
    if (k.t === 'p' && ')]}'.includes(k.v)) depth--;
    if (depth === 0 && k.t === 'p' && k.v === '+') parts.push([]);
    else parts[parts.length - 1]!.push(k);
  }
  return parts.length > 1 ? parts : null;
}

for (const file of process.argv.slice(2)) {
  const toks = tokenize(readFileSync(file, 'utf8'));
  let rule = '';
  for (let i = 0; i < toks.length; i++) {
    const k = toks[i]!;
    if (k.t === 'id' && k.v === 'RuleID' && toks[i + 1]?.v === ':' && toks[i + 2]?.t === 'str') rule = (toks[i + 2] as { v: string }).v;
    if (k.t !== 'id' || (k.v !== 'tps' && k.v !== 'fps') || !(toks[i + 1]?.v === ':=' || toks[i + 1]?.v === '=')) continue;
    const kind = k.v === 'tps' ? 'tp' : 'fp';
    let j = i + 2;
    if (toks[j]?.v === '[' && toks[j + 1]?.v === ']' && toks[j + 2]?.v === 'string' && toks[j + 3]?.v === '{') {
      const [body, end] = inside(toks, j + 3);
      for (const el of splitArgs(body)) element(rule, kind, el);
      i = end - 1;
    } else if (toks[j]?.v === 'append' && toks[j + 1]?.v === '(') {
      const [body, end] = inside(toks, j + 1);
      for (const el of splitArgs(body).slice(1)) element(rule, kind, el);
      i = end - 1;
    } else if (toks[j]?.t === 'id') {
      // tps := utils.GenerateSampleSecrets(...)
      const [, end] = inside(toks, j + 1);
      element(rule, kind, toks.slice(j, end));
      i = end - 1;
    } else {
      j++;
    }
  }
}
process.stdout.write(lines.map((l) => `${l}\n`).join(''));
process.stderr.write(`${lines.length} samples, ${skipped} skipped\n`);
