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
