/**
 * A Dockerfile parser that keeps exact positions: parser directives, line continuations (with the `escape`
 * directive), comment lines inside continuations, heredocs (`<<EOF`, `<<-EOF`, quoted delimiters) and stages.
 */
import type { FileAnalyzer } from '../../core/types.js';

/** A text assembled from pieces of the source, with a map back to source line/column. */
export class MappedText {
  /** Offset in `text` where each piece starts, with the source line/column of its first character. */
  private readonly segs: { off: number; line: number; col: number }[] = [];
  text = '';
  /** Appends `s`, whose first character is at source `line`:`col` (1-based). */
  push(s: string, line: number, col: number): void {
    this.segs.push({ off: this.text.length, line, col });
    this.text += s;
  }
  /** Source line/column of an offset of `text`. */
  pos(off: number): { line: number; column: number } {
    let seg = this.segs[0];
    if (!seg) return { line: 1, column: 1 };
    for (const s of this.segs) {
      if (s.off <= off) seg = s;
      else break;
    }
    return { line: seg.line, column: seg.col + (off - seg.off) };
  }
  /** Source span of `[start, end)` of `text`. */
  span(start: number, end: number): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
    const a = this.pos(start);
    const b = end > start ? this.pos(end - 1) : a;
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column + (end > start ? 1 : 0) };
  }
}

/** A heredoc attached to an instruction. */
export interface Heredoc {
  name: string;
  /** The body, mapped to source positions. */
  body: MappedText;
  startLine: number;
  endLine: number;
}

/** One instruction. */
export interface Instruction {
  /** Upper-cased keyword (`RUN`). */
  keyword: string;
  /** Arguments with continuations joined, mapped to source positions. */
  args: MappedText;
  heredocs: Heredoc[];
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** Index of the stage (0-based); -1 before the first FROM. */
  stage: number;
}

/** A build stage. */
export interface Stage {
  index: number;
  /** `AS name`, lower-cased, when given. */
  name?: string;
  /** Base image as written (after ARG substitution when resolvable). */
  image: string;
  from: Instruction;
  instructions: Instruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  directives: { name: string; value: string; line: number }[];
  escape: string;
  instructions: Instruction[];
  stages: Stage[];
  /** ARG defaults declared before the first FROM. */
  globalArgs: Map<string, string>;
  errors: { line: number; message: string }[];
}

const KEYWORDS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** The shared per-scan parse of a Dockerfile (iac, exposure, posture). */
export const dockerfileAnalyzer: FileAnalyzer<Dockerfile> = { id: 'dockerfile', analyze: (_path, text) => parseDockerfile(text) };

/** Parses a Dockerfile. Never throws: problems are in `errors`. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Dockerfile['directives'] = [];
  const errors: Dockerfile['errors'] = [];
  let escape = '\\';
  let i = 0;
  // Parser directives: only at the very top, before any blank line, comment or instruction.
  for (; i < lines.length; i++) {
    const m = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) break;
    const name = m[1]!.toLowerCase();
    if (directives.some((d) => d.name === name)) break;
    directives.push({ name, value: m[2]!, line: i + 1 });
    if (name === 'escape') {
      if (m[2] === '`' || m[2] === '\\') escape = m[2];
      else errors.push({ line: i + 1, message: `invalid escape directive ${JSON.stringify(m[2])}` });
    }
  }
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string>();
  const endsWithEscape = (s: string) => {
    const t = s.trimEnd();
    return t.endsWith(escape) && !t.endsWith(escape + escape);
  };
  while (i < lines.length) {
    const raw = lines[i]!;
    if (/^\s*$/.test(raw) || /^\s*#/.test(raw)) {
      i++;
      continue;
    }
    const m = /^(\s*)([A-Za-z]+)(?=\s|$)\s*/.exec(raw);
    const lineNo = i + 1;
    if (!m) {
      errors.push({ line: lineNo, message: `cannot parse instruction: ${raw.trim().slice(0, 40)}` });
      i++;
      continue;
    }
    const keyword = m[2]!.toUpperCase();
    if (!KEYWORDS.has(keyword)) errors.push({ line: lineNo, message: `unknown instruction ${m[2]}` });
    const args = new MappedText();
    let cur = raw.slice(m[0].length);
    let curLine = lineNo;
    let curCol = m[0].length + 1;
    let last = raw;
    let lastLine = lineNo;
    for (;;) {
      if (endsWithEscape(cur) && curLine <= lines.length) {
        const t = cur.trimEnd();
        args.push(t.slice(0, -1), curLine, curCol);
        // Next line, skipping comment lines and empty lines inside the continuation.
        let j = curLine;
        while (j < lines.length && (/^\s*#/.test(lines[j]!) || /^\s*$/.test(lines[j]!))) j++;
        if (j >= lines.length) {
          lastLine = curLine;
          last = lines[curLine - 1]!;
          break;
        }
        cur = lines[j]!;
        curLine = j + 1;
        curCol = 1;
        last = cur;
        lastLine = curLine;
        continue;
      }
      args.push(cur, curLine, curCol);
      last = lines[curLine - 1]!;
      lastLine = curLine;
      break;
    }
    i = lastLine;
    const ins: Instruction = {
      keyword,
      args,
      heredocs: [],
      startLine: lineNo,
      startColumn: m[1]!.length + 1,
      endLine: lastLine,
      endColumn: last.trimEnd().length + 1,
      stage: stages.length - 1,
    };
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      HEREDOC.lastIndex = 0;
      let h: RegExpExecArray | null;
      while ((h = HEREDOC.exec(args.text))) {
        const strip = h[1] === '-';
        const name = h[3]!;
        const body = new MappedText();
        const start = i + 1;
        let j = i;
        let closed = false;
        for (; j < lines.length; j++) {
          const l = lines[j]!;
          const cmp = strip ? l.replace(/^\t+/, '') : l;
          if (cmp === name) {
            closed = true;
            break;
          }
          const lead = strip ? l.length - cmp.length : 0;
          body.push(cmp + '\n', j + 1, lead + 1);
        }
        if (!closed) {
          errors.push({ line: lineNo, message: `heredoc ${name} is not terminated` });
          i = lines.length;
          break;
        }
        ins.heredocs.push({ name, body, startLine: start, endLine: j + 1 });
        ins.endLine = j + 1;
        ins.endColumn = lines[j]!.length + 1;
        i = j + 1;
      }
    }
    instructions.push(ins);
    if (keyword === 'FROM') {
      const words = args.text.trim().split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = substitute(words[0] ?? '', globalArgs);
      if (!words[0]) errors.push({ line: lineNo, message: 'FROM without an image' });
      const asIdx = words.findIndex((w) => w.toLowerCase() === 'as');
      const name = asIdx >= 0 ? words[asIdx + 1]?.toLowerCase() : undefined;
      ins.stage = stages.length;
      stages.push({ index: stages.length, image, from: ins, instructions: [ins], ...(name ? { name } : {}) });
    } else if (stages.length) {
      stages[stages.length - 1]!.instructions.push(ins);
    } else if (keyword === 'ARG') {
      for (const a of parseArgInstruction(args.text)) if (a.value !== undefined) globalArgs.set(a.name, a.value);
    } else {
      errors.push({ line: lineNo, message: `${keyword} before the first FROM` });
    }
  }
  return { directives, escape, instructions, stages, globalArgs, errors };
}

/** Replaces `$VAR`, `${VAR}` and `${VAR:-default}` with known values; unknown ones are left as written. */
export function substitute(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, a, def, b) => {
    const name = (a ?? b) as string;
    const v = vars.get(name);
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def as string;
    return all;
  });
}

/** `ARG a=1 b` → names with optional defaults (quotes removed). */
export function parseArgInstruction(text: string): { name: string; value?: string; offset: number }[] {
  const out: { name: string; value?: string; offset: number }[] = [];
  for (const w of shellWords(text)) {
    const eq = w.text.indexOf('=');
    if (eq < 0) out.push({ name: w.text, offset: w.start });
    else out.push({ name: w.text.slice(0, eq), value: w.text.slice(eq + 1), offset: w.start });
  }
  return out;
}

/** `ENV a=1 b="x y"` or the legacy `ENV a some value` → pairs with offsets of the whole pair. */
export function parseEnvInstruction(text: string): { name: string; value: string; start: number; end: number }[] {
  const words = shellWords(text);
  if (words.length && !words[0]!.text.includes('=')) {
    const first = words[0]!;
    const rest = text.slice(first.end).trim();
    return [{ name: first.text, value: rest.replace(/^["']|["']$/g, ''), start: first.start, end: text.trimEnd().length }];
  }
  return words.map((w) => {
    const eq = w.text.indexOf('=');
    return { name: eq < 0 ? w.text : w.text.slice(0, eq), value: eq < 0 ? '' : w.text.slice(eq + 1), start: w.start, end: w.end };
  });
}

/** A shell word with quotes removed and its raw offsets. */
export interface Word {
  text: string;
  start: number;
  end: number;
  /** True when any part was quoted. */
  quoted: boolean;
}

/** A simple command: its words, after splitting on `&&`, `||`, `;`, `|`, `&`, newlines and parentheses. */
export interface Command {
  words: Word[];
  /** Operator that follows the command (`|`, `&&`, ...), or '' at the end. */
  next: string;
}

/** Splits text into shell words (quotes removed); operators end the list. Used for ENV/ARG and commands. */
export function shellWords(text: string): Word[] {
  return shellCommands(text).flatMap((c) => c.words);
}

/** Whether a UTF-16 code unit is one JavaScript's `\s` matches (a test per character, without a regex). */
export function isSpaceCode(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whether the character ends a shell word: what `/[\s;|()`]/` matches. */
function endsWord(c: number): boolean {
  return c === 59 || c === 124 || c === 40 || c === 41 || c === 96 || isSpaceCode(c);
}

/** Splits a shell script into simple commands with word offsets. Good enough for install-command audits. */
export function shellCommands(text: string): Command[] {
  const cmds: Command[] = [];
  let words: Word[] = [];
  let i = 0;
  const n = text.length;
  const end = (op: string) => {
    cmds.push({ words, next: op });
    words = [];
  };
  while (i < n) {
    const c = text[i]!;
    // Every space but the newline (a command separator) is skipped here: one the word loop stops at and this loop
    // did not skip (a vertical tab, a no-break space) made an empty word without moving on, for ever.
    if (c !== '\n' && isSpaceCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      end(c === '\n' ? ';' : ';');
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || isSpaceCode(text.charCodeAt(i - 1)))) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if ((c === '&' && text[i + 1] !== '>') || c === '|') {
      const two = text.slice(i, i + 2);
      const op = two === '&&' || two === '||' ? two : c;
      end(op);
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')' || c === '`') {
      end(c);
      i++;
      continue;
    }
    const start = i;
    // The word is built from slices of the text (the runs between quotes and escapes), not a character at a time:
    // a string each character made most of a scan's garbage.
    let out = '';
    let run = i;
    let quoted = false;
    while (i < n) {
      const code = text.charCodeAt(i);
      if (endsWord(code)) break;
      // `&` ends the word unless it is part of a redirection (`2>&1`, `&>`)
      if (code === 38 && text.charCodeAt(i - 1) !== 62 && text.charCodeAt(i + 1) !== 62) break;
      if (code === 92 && i + 1 < n) {
        out += text.slice(run, i) + text[i + 1];
        i += 2;
        run = i;
        continue;
      }
      if (code === 39 || code === 34) {
        quoted = true;
        const close = text.indexOf(text[i]!, i + 1);
        const stop = close < 0 ? n : close;
        out += text.slice(run, i) + text.slice(i + 1, stop);
        i = stop + 1;
        run = i;
        continue;
      }
      if (code === 36 && text.charCodeAt(i + 1) === 40) {
        // Command substitution: keep as one word up to the matching parenthesis.
        let depth = 0;
        let j = i + 1;
        for (; j < n; j++) {
          const cj = text.charCodeAt(j);
          if (cj === 40) depth++;
          else if (cj === 41 && --depth === 0) break;
        }
        i = j + 1;
        continue;
      }
      i++;
    }
    if (run < i) out += text.slice(run, i);
    words.push({ text: out, start, end: Math.min(i, n), quoted });
  }
  end('');
  return cmds.filter((c) => c.words.length > 0 || c.next === '|');
}

/** Splits an image reference into name, tag and digest. */
export function splitImage(ref: string): { name: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
