/**
 * Checks on shell script text (a `run:` block, a GitLab `script:` line, a Dockerfile `RUN`). Each returns offsets relative to
 * the text given, so callers map them to source positions.
 */

/** A match in a script: `[start, end)` offsets in the text and what matched. */
export interface ScriptHit {
  start: number;
  end: number;
  text: string;
}

const WS = String.raw`(?:[^|\n;&]|\\\n)*`;
const PIPE_TO_SHELL = new RegExp(
  String.raw`\b(?:curl|wget)\b${WS}\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+=\S*\s+)?(?:ba|z|da|k)?sh\b(?!\w)` +
    String.raw`|\b(?:ba|z|da|k)?sh\s+(?:-s\s+)?<\(\s*(?:curl|wget)\b` +
    String.raw`|\b(?:ba|z|da|k)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b` +
    String.raw`|\beval\s+["']?\$\(\s*(?:curl|wget)\b` +
    // An interpreter reading the script from stdin: alone, or `-` and the script's own arguments (never `-c`/`-e` code).
    String.raw`|\b(?:curl|wget)\b${WS}\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|node)(?:[ \t]+-(?=[ \t\n]|$)[^\n;&|]*|[ \t]*)(?=$|\n|;|&|\|)`,
  'g',
);

function all(re: RegExp, text: string): ScriptHit[] {
  const out: ScriptHit[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/** `curl ... | sh`, `bash <(curl ...)`, `sh -c "$(curl ...)"`, `curl ... | python`. */
export function pipeToShell(text: string): ScriptHit[] {
  // Every form names curl or wget (the regex is case-sensitive): most scripts are passed over without running it.
  if (!text.includes('curl') && !text.includes('wget')) return [];
  return all(PIPE_TO_SHELL, text).filter((h) => {
    const lineStart = text.lastIndexOf('\n', h.start) + 1;
    return quoteStateAt(text.slice(lineStart), h.start - lineStart) === 'none';
  });
}

const ADHOC =
  /\bpip3?\s+install\s+(?:[^\n;&|]*?\s)?(?:git\+)?https?:\/\/\S+|\bnpm\s+(?:i|install|add)\s+(?:[^\n;&|]*?\s)?https?:\/\/\S+|\bgo\s+install\s+\S+@latest\b|\bcargo\s+install\s+(?:[^\n;&|]*?\s)?--git\s+https?:\/\/\S+(?![^\n]*--rev)/g;

/** Package installs straight from a URL or `@latest`. */
export function adhocInstalls(text: string): ScriptHit[] {
  return all(ADHOC, text);
}

const PLAIN_HTTP = /\b(?:curl|wget)\b[^\n]*?\bhttp:\/\/(?!localhost\b|127\.|0\.0\.0\.0|\[::1\]|host\.docker\.internal)[^\s'"]+/g;

/** curl/wget of a plain `http://` URL (loopback excluded); the hit is the URL. */
export function plainHttpDownloads(text: string): ScriptHit[] {
  return all(PLAIN_HTTP, text).map((h) => {
    const i = h.text.indexOf('http://');
    return { start: h.start + i, end: h.end, text: h.text.slice(i) };
  });
}

const ENV_FILE_WRITE = /(?:>>?|\btee\s+(?:-a\s+)?)\s*["']?(?:\$\{?GITHUB_(?:ENV|PATH)\}?|\$env:GITHUB_(?:ENV|PATH))\b/g;

/** Writes to `$GITHUB_ENV` / `$GITHUB_PATH`. */
export function envFileWrites(text: string): ScriptHit[] {
  return all(ENV_FILE_WRITE, text);
}

const DEPRECATED_CMD = /::(?:set-env|add-path|set-output|save-state)\b/g;

/** The deprecated `::set-env`/`::add-path`/`::set-output`/`::save-state` log commands. */
export function deprecatedCommands(text: string): ScriptHit[] {
  return all(DEPRECATED_CMD, text);
}

const PUBLISH = /\b(?:npm|yarn|pnpm)\s+publish\b|\btwine\s+upload\b/g;

/** `npm publish`, `yarn publish`, `pnpm publish`, `twine upload`. */
export function publishCommands(text: string): ScriptHit[] {
  return all(PUBLISH, text);
}

/** True when the script pushes to git (so it needs persisted credentials). */
export function pushesToGit(text: string): boolean {
  return /\bgit\s+(?:-c\s+\S+\s+)*push\b/.test(text);
}

/** True when the script publishes a release or package. */
export function publishes(text: string): boolean {
  return /\b(?:npm|yarn|pnpm)\s+publish\b|\btwine\s+upload\b|\bdocker\s+(?:image\s+)?push\b|\bgh\s+release\s+(?:create|upload)\b|\bcargo\s+publish\b|\bgem\s+push\b|\bmvn\b[^\n]*\bdeploy\b|\bgradlew?\b[^\n]*\bpublish|\bpoetry\s+publish\b|\buv\s+publish\b|\bdotnet\s+nuget\s+push\b|\bgoreleaser\b/.test(
    text,
  );
}

/**
 * The shell quoting state at `offset` in `text`: inside single quotes, double quotes, or none. Used by
 * the fix command to decide how to reference a variable without changing meaning.
 */
export function quoteStateAt(text: string, offset: number): 'single' | 'double' | 'none' {
  let state: 'single' | 'double' | 'none' = 'none';
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (state === 'double') {
      if (c === '\\') i++;
      else if (c === '"') state = 'none';
    } else if (c === '\\') i++;
    else if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      if (nl === -1 || nl >= offset) return 'none';
      i = nl;
    }
  }
  return state;
}

/**
 * How a `${{ }}` expression in a `run:` script may be replaced by an environment variable without changing what the
 * script does on benign values: `double` (inside "...": `${NAME}`), `bare` (an unquoted word, also inside `$(...)`:
 * `"${NAME}"`), or a reason to leave it to the user.
 */
export type ExpressionContext = { rewrite: 'double' | 'bare' } | { refuse: string };

/** The parts of web-tree-sitter used here (loaded on first need: only `fix` parses shell). */
interface ShellTree {
  rootNode: ShellNode;
  delete(): void;
}
interface ShellNode {
  type: string;
  isNamed: boolean;
  hasError: boolean;
  isError: boolean;
  isMissing: boolean;
  startIndex: number;
  endIndex: number;
  text: string;
  parent: ShellNode | null;
  children: (ShellNode | null)[];
  childrenForFieldName(name: string): (ShellNode | null)[];
  childForFieldName(name: string): ShellNode | null;
  descendantForIndex(start: number, end?: number): ShellNode | null;
}
interface ShellParser {
  parse(text: string): ShellTree | null;
}

let shellParser: ShellParser | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads tree-sitter-bash (from @vscode/tree-sitter-wasm) once per process. `fix` calls it before planning; until
 * it is loaded, {@link judgeExpressions} answers undefined and callers fall back to their conservative scanner.
 */
export function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    const { createRequire } = await import('node:module');
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(wasm));
    shellParser = parser as unknown as ShellParser;
  })();
  return loading;
}

/** `${V:-word}` and its kin take a plain word (quoting inside it works as outside); other operators take patterns. */
const WORD_OPERATORS = new Set(['-', ':-', '=', ':=', '+', ':+', '?', ':?']);
/** `[[ a == b ]]` and kin: the right side is a pattern or a regex, where quoting changes the match. */
const PATTERN_TESTS = new Set(['==', '!=', '=', '=~']);

/** Why the expression covering [start, end) of the tree cannot be rewritten, or how it can. */
function judgeOne(root: ShellNode, script: string, start: number, end: number): ExpressionContext {
  // an escaped first character: `\${{ x }}` becomes `\value` (and `"\${NAME}"` would print a literal ${NAME})
  let bs = 0;
  for (let i = start - 1; i >= 0 && script[i] === '\\'; i--) bs++;
  if (bs % 2 === 1) return { refuse: 'after a backslash' };
  const leaf = root.descendantForIndex(start, Math.max(start, end - 1));
  if (!leaf) return { refuse: 'outside the parsed script' };
  for (let n: ShellNode | null = leaf; n; n = n.parent) {
    if (n.type === 'arithmetic_expansion' || n.type === 'arithmetic_command' || n.type === 'subscript') {
      return { refuse: 'inside arithmetic, where the value would be evaluated' };
    }
  }
  let decided: 'double' | 'bare' | undefined;
  let child: ShellNode = leaf;
  for (let n: ShellNode | null = leaf; n; child = n, n = n.parent) {
    switch (n.type) {
      case 'ERROR':
        return { refuse: 'in a part of the script bash would not parse' };
      case 'raw_string':
        return { refuse: 'inside single quotes (often code for another program, which would still receive the value as code)' };
      case 'ansi_c_string':
        return { refuse: "inside a $'...' string" };
      case 'translated_string':
        return { refuse: 'inside a $"..." string' };
      case 'heredoc_body':
      case 'heredoc_redirect':
        return { refuse: 'inside a here-document' };
      case 'simple_expansion':
      case 'variable_name':
        return { refuse: 'inside a variable name' };
      case 'string':
        decided ??= 'double';
        break;
      case 'command_substitution':
        if (n.children[0]?.type === '`') return { refuse: 'inside backquotes' };
        decided ??= 'bare';
        break;
      case 'process_substitution':
        decided ??= 'bare';
        break;
      case 'expansion': {
        const ops = n.children.filter((c): c is ShellNode => c !== null && !c.isNamed && c.type !== '${' && c.type !== '}');
        if (ops.length !== 1 || !WORD_OPERATORS.has(ops[0]!.type)) return { refuse: 'inside a ${...} pattern, substring or transformation' };
        break;
      }
      case 'case_item':
        if (n.childrenForFieldName('value').some((v) => v && v.startIndex <= start && end <= v.endIndex)) {
          return { refuse: 'in a case pattern, where quoting changes the match' };
        }
        break;
      case 'binary_expression': {
        const op = n.childForFieldName('operator');
        const right = n.childForFieldName('right');
        let t = n.parent;
        while (t && t.type !== 'test_command' && t.type !== 'program') t = t.parent;
        if (op && PATTERN_TESTS.has(op.type) && right && child.startIndex >= right.startIndex && t?.type === 'test_command' && t.text.startsWith('[[')) {
          return { refuse: 'on the right of a [[ ]] match, where quoting changes the match' };
        }
        break;
      }
      default:
        if (n.isError || n.isMissing) return { refuse: 'in a part of the script bash would not parse' };
    }
  }
  return { rewrite: decided ?? 'bare' };
}

/**
 * Judges each expression of a `run:` script by parsing the script with tree-sitter-bash, every `${{ }}` in it
 * first blanked to a plain word of the same length (GitHub pastes the value there before the shell runs). The
 * nearest enclosing quoting decides: double quotes give `double`; an unquoted word, also inside `$(...)` where
 * quotes nest afresh, gives `bare`. Single quotes, backquotes, `$'...'`, here-documents, arithmetic, variable
 * names, `${...}` patterns, case patterns, the right of a `[[ ]]` match, a preceding backslash and any part
 * that does not parse are refused. `sites` and `expressions` are [start, end) offsets in `script`. Returns
 * undefined when the parser is not loaded ({@link loadShellParser}).
 */
export function judgeExpressions(script: string, sites: [number, number][], expressions: [number, number][]): ExpressionContext[] | undefined {
  if (!shellParser) return undefined;
  let blank = script.replace(/\r/g, ' ');
  for (const [s, e] of expressions) blank = blank.slice(0, s) + blank.slice(s, e).replace(/[^\n]/g, 'Z') + blank.slice(e);
  const tree = shellParser.parse(blank);
  if (!tree) return sites.map(() => ({ refuse: 'the script could not be parsed' }));
  try {
    // error recovery may place the damage away from where it is: any error refuses every rewrite of the script
    if (tree.rootNode.hasError) return sites.map(() => ({ refuse: 'in a script bash would not parse (tree-sitter-bash)' }));
    return sites.map(([s, e]) => judgeOne(tree.rootNode, blank, s, e));
  } finally {
    tree.delete();
  }
}
