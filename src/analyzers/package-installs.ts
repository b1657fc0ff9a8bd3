/**
 * Package-manager commands in script text (a `run:` block, a GitLab `script:` line): ad-hoc installs that
 * fetch whatever version a registry serves now (`gem install rake`, `npm i lodash`, `pip install requests`,
 * `cargo install ripgrep`, `npx -y pkg`, `uvx tool`), unpinned system packages (`apt-get install curl`), and
 * publishing commands. The script is split into simple commands (newlines, `;`, `&&`, `||`, `|`, line
 * continuations) and each command's words are read, so flags and their values are told from package names.
 * Offsets are relative to the text given.
 */
import type { ScriptHit } from './shell.js';

/** One simple command: its words (quotes removed) and where it lies in the text. */
export interface SimpleCommand {
  words: string[];
  start: number;
  end: number;
}

/** Splits script text into simple commands (quotes respected; comments dropped; `\`/backtick continuations joined). */
export function simpleCommands(text: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let start = -1;
  let quote: '"' | "'" | undefined;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCmd = (at: number): void => {
    endWord();
    if (words.length) out.push({ words, start, end: at });
    words = [];
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
      continue;
    }
    if ((c === '\\' || c === '`') && text[i + 1] === '\n') {
      endWord();
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      endWord();
      i += 2;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      endCmd(i);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      continue;
    }
    if (c === '#' && !inWord) {
      const nl = text.indexOf('\n', i);
      endCmd(i);
      i = nl === -1 ? text.length : nl - 1;
      continue;
    }
    if (start === -1) start = i;
    inWord = true;
    if (c === '"' || c === "'") quote = c;
    else word += c;
  }
  endCmd(text.length);
  return out;
}

/** The commands of the last few scripts split, so the checks on one script split it once. */
const recent: { text: string; cmds: SimpleCommand[] }[] = [];

/** {@link simpleCommands}, memoised over the last few texts. */
function commandsOf(text: string): SimpleCommand[] {
  const hit = recent.find((r) => r.text === text);
  if (hit) return hit.cmds;
  const cmds = simpleCommands(text);
  recent.unshift({ text, cmds });
  if (recent.length > 4) recent.pop();
  return cmds;
}

/** Drops wrappers that do not change what runs: `sudo`, `env`, `VAR=x`, `time`, `exec`, `python -m`. */
function unwrap(words: string[]): string[] {
  let w = words;
  for (let guard = 0; guard < 8 && w.length; guard++) {
    const h = w[0]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(h)) w = w.slice(1);
    else if (h === 'sudo' || h === 'env' || h === 'time' || h === 'exec' || h === 'command' || h === 'nohup') {
      w = w.slice(1);
      while (w.length && /^-/.test(w[0]!)) w = w.slice(1);
    } else if (/^(?:python[0-9.]*|py)$/.test(h) && w[1] === '-m') w = w.slice(2);
    else break;
  }
  return w;
}

/** {@link unwrap}, and also tool runners: `bundle exec`, `pipx run pkg==1`, `uvx pkg`, `uv run`, `poetry run`. */
function unwrapRunner(words: string[]): string[] {
  let w = unwrap(words);
  for (let guard = 0; guard < 4 && w.length; guard++) {
    const [a, b] = [w[0]!, w[1]];
    if ((a === 'bundle' && b === 'exec') || (a === 'poetry' && b === 'run') || (a === 'pdm' && b === 'run')) w = w.slice(2);
    else if (a === 'uv' && b === 'run') w = w.slice(2).filter((x, i, all) => !(x.startsWith('-') || (i > 0 && /^--(?:with|python|from)$/.test(all[i - 1]!))));
    else if ((a === 'pipx' && b === 'run') || a === 'uvx') {
      w = w.slice(a === 'uvx' ? 1 : 2);
      while (w.length && w[0]!.startsWith('-')) w = w.slice(1);
      if (w.length) w = [w[0]!.replace(/(?:[=<>~!]=?|@).*$/, ''), ...w.slice(1)];
    } else break;
    w = unwrap(w);
  }
  return w;
}

/** The positional arguments after a subcommand, skipping flags (and the values of flags that take one). */
function positionals(args: string[], flagsWithValue: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-')) {
      if (!a.includes('=') && flagsWithValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const GEM_VALUE_FLAGS = new Set(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform', '-g', '--file']);
const NPM_VALUE_FLAGS = new Set(['--registry', '--prefix', '-C', '--cache', '--tag', '--workspace', '-w', '--omit', '--include', '--install-strategy', '--loglevel']);
const PIP_VALUE_FLAGS = new Set(['-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--platform', '--python-version', '--implementation', '--abi', '--progress-bar', '--src', '--trusted-host', '--cache-dir', '--log', '--timeout', '--retries', '--proxy', '--python', '-p', '--upgrade-strategy', '--only-binary', '--no-binary', '--config-settings', '-C', '--global-option']);
const CARGO_VALUE_FLAGS = new Set(['--version', '--vers', '--git', '--branch', '--tag', '--rev', '--path', '--root', '--registry', '--index', '--target', '--features', '-F', '--profile', '-j', '--jobs', '--target-dir', '--bin', '--example', '--config', '-Z']);
const NPX_VALUE_FLAGS = new Set(['-p', '--package', '-c', '--call', '--registry', '--cache']);
const APT_VALUE_FLAGS = new Set(['-o', '-t', '--target-release', '-c', '--config-file']);

/** A package argument that names something local (a path, the project itself, an expanded variable). */
function localArg(a: string): boolean {
  return /^(?:\.{1,2}(?:\/|$)|\/|~|file:|\$|\*|link:|workspace:|-)/.test(a) || /\.(?:tgz|tar\.gz|whl|gem|zip|crate|txt|toml)$/.test(a) || a === '';
}

/** True for a pip requirement pinned to one version (`pkg==1.2`, `pkg===1.2`). */
function pipPinned(a: string): boolean {
  return /===?\s*[\w.*+!-]+$/.test(a) && !/[<>~!]=?|,/.test(a.replace(/===?/, ''));
}

/** The tools that upgrade pip itself: their self-upgrade is routine and left alone. */
const PIP_SELF = new Set(['pip', 'setuptools', 'wheel', 'pip-tools']);

/** One ad-hoc install: where, the manager, and the packages it fetches unpinned. */
export interface InstallHit extends ScriptHit {
  manager: string;
  packages: string[];
}

/**
 * Ad-hoc package installs: `gem install X`, `npm install X` (also `i`/`add`, `-g`), `yarn global add X`, `pnpm add -g X`,
 * `pip install X` without `==`, `cargo install X` without a version, `npx -y X`/`pnpm dlx X`/`bunx X`/`uvx X`/`pipx run X`
 * without a version, `composer require vendor/pkg` without an exact version. Installs from a URL or `@latest` are left to {@link adhocInstalls} in shell.ts.
 */
export function adhocPackageInstalls(text: string): InstallHit[] {
  const out: InstallHit[] = [];
  if (!/\b(?:gem|npm|pip[\d.]*|uv|uvx|cargo|npx|bunx?|pnpm|yarn|pipx|composer)\b/.test(text)) return out;
  for (const cmd of commandsOf(text)) {
    const w = unwrap(cmd.words);
    if (!w.length) continue;
    const hit = (manager: string, packages: string[]): void => {
      if (packages.length) out.push({ start: cmd.start, end: cmd.end, text: text.slice(cmd.start, cmd.end).trim(), manager, packages });
    };
    const tool = w[0]!.replace(/^.*\//, '').replace(/\.exe$/i, '');
    const sub = w[1] ?? '';
    const rest = w.slice(2);
    if (tool === 'gem' && (sub === 'install' || sub === 'i')) {
      if (rest.some((a) => a === '--help' || a === '-h')) continue;
      hit('gem', positionals(rest, GEM_VALUE_FLAGS).filter((a) => !localArg(a)));
    } else if (tool === 'npm' && (sub === 'install' || sub === 'i' || sub === 'add' || sub === 'in' || sub === 'isntall')) {
      hit('npm', positionals(rest, NPM_VALUE_FLAGS).filter((a) => !localArg(a) && !/^(?:https?:|git\+|github:)/.test(a) && !/@latest$/.test(a)));
    } else if ((tool === 'yarn' && sub === 'global' && w[2] === 'add') || (tool === 'pnpm' && (sub === 'add' || sub === 'install' || sub === 'i') && rest.some((a) => a === '-g' || a === '--global'))) {
      hit(tool, positionals(tool === 'yarn' ? w.slice(3) : rest, NPM_VALUE_FLAGS).filter((a) => !localArg(a)));
    } else if ((tool === 'pip' || tool === 'pip3' || /^pip3\.\d+$/.test(tool) || (tool === 'uv' && sub === 'pip')) && (tool === 'uv' ? w[2] === 'install' : sub === 'install')) {
      const args = tool === 'uv' ? w.slice(3) : rest;
      hit('pip', positionals(args, PIP_VALUE_FLAGS).filter((a) => !localArg(a) && !/^(?:https?:|git\+)/.test(a) && !pipPinned(a) && !PIP_SELF.has(a.toLowerCase().replace(/\[.*$/, ''))));
    } else if (tool === 'cargo' && sub === 'install') {
      if (rest.some((a) => a === '--version' || a === '--vers' || a.startsWith('--version=') || a === '--path' || a === '--git' || a === '--help')) continue;
      hit('cargo', positionals(rest, CARGO_VALUE_FLAGS).filter((a) => !localArg(a) && !/@\d/.test(a)));
    } else if (tool === 'npx' || tool === 'bunx' || (tool === 'pnpm' && sub === 'dlx') || (tool === 'yarn' && sub === 'dlx') || (tool === 'bun' && sub === 'x')) {
      const args = tool === 'npx' || tool === 'bunx' ? w.slice(1) : rest;
      const yes = tool !== 'npx' || args.some((a) => a === '-y' || a === '--yes');
      const pkgFlag = args.findIndex((a) => a === '-p' || a === '--package');
      const pkg = pkgFlag >= 0 ? args[pkgFlag + 1] : positionals(args, NPX_VALUE_FLAGS)[0];
      if (!pkg || localArg(pkg) || !yes) continue;
      if (/^@?[^@]+@(?!latest$)[\w^~.<>=*-]+$/.test(pkg) && /@\d/.test(pkg)) continue;
      hit(tool === 'npx' ? 'npx' : tool, [pkg]);
    } else if (tool === 'composer' && (sub === 'require' || (sub === 'global' && w[2] === 'require'))) {
      // `composer require vendor/pkg` (or with a range `vendor/pkg:^1.2`) changes composer.json outside review; an exact `:1.2.3` is pinned.
      hit('composer', positionals(sub === 'global' ? w.slice(3) : rest, new Set(['--working-dir', '-d'])).filter((a) => /^[\w.-]+\/[\w.-]+/.test(a) && !/:v?\d+(?:\.\d+){2}$/.test(a)));
    } else if (tool === 'uvx' || (tool === 'uv' && sub === 'tool' && (w[2] === 'run' || w[2] === 'install')) || (tool === 'pipx' && (sub === 'run' || sub === 'install'))) {
      const args = tool === 'uvx' ? w.slice(1) : tool === 'uv' ? w.slice(3) : rest;
      const fromIdx = args.indexOf('--from');
      const spec = fromIdx >= 0 ? args[fromIdx + 1] : positionals(args, new Set(['--from', '--with', '-w', '--python', '-p', '--index-url', '--spec']))[0];
      if (!spec || localArg(spec) || /(?:==|@)\d/.test(spec)) continue;
      hit(tool === 'pipx' ? 'pipx' : 'uv', [spec]);
    }
  }
  return out;
}

/** `apt-get install X`/`apt install X`/`apk add X`/`dnf install X`/`yum install X` of packages without a `=version` pin. */
export function unpinnedSystemPackages(text: string): InstallHit[] {
  const out: InstallHit[] = [];
  if (!/\b(?:apt-get|apt|apk|dnf|yum)\b/.test(text)) return out;
  for (const cmd of commandsOf(text)) {
    const w = unwrap(cmd.words);
    const tool = (w[0] ?? '').replace(/^.*\//, '');
    const verbs: Record<string, string> = { 'apt-get': 'install', apt: 'install', apk: 'add', dnf: 'install', yum: 'install' };
    if (!verbs[tool]) continue;
    const vi = w.findIndex((x, i) => i > 0 && x === verbs[tool]);
    if (vi < 0 || w.slice(1, vi).some((x) => !x.startsWith('-'))) continue;
    const pkgs = positionals(w.slice(vi + 1), APT_VALUE_FLAGS).filter((p) => !localArg(p) && !/[=<>]/.test(p) && !/-\d[\w.:~+-]*$/.test(p));
    if (pkgs.length) out.push({ start: cmd.start, end: cmd.end, text: text.slice(cmd.start, cmd.end).trim(), manager: tool, packages: pkgs });
  }
  return out;
}

/** A publish command and the registry it publishes to. */
export interface PublishHit extends ScriptHit {
  registry: 'npm' | 'pypi' | 'crates.io' | 'rubygems' | 'nuget';
}

/** Commands that publish to a registry that supports trusted publishing (OIDC). */
export function registryPublishes(text: string): PublishHit[] {
  const out: PublishHit[] = [];
  if (!/\b(?:publish|upload|push|release)\b/.test(text)) return out;
  for (const cmd of commandsOf(text)) {
    let w = unwrapRunner(cmd.words);
    // `cargo +nightly publish`: a toolchain selector before the subcommand.
    if (w[0] === 'cargo' && w[1]?.startsWith('+')) w = [w[0], ...w.slice(2)];
    const t = (w[0] ?? '').replace(/^.*[/\\]/, '').replace(/\.(?:exe|cmd)$/i, '');
    const s = w[1] ?? '';
    let registry: PublishHit['registry'] | undefined;
    if ((t === 'npm' || t === 'pnpm' || t === 'bun') && s === 'publish') registry = 'npm';
    else if (t === 'yarn' && (s === 'publish' || (s === 'npm' && w[2] === 'publish'))) registry = 'npm';
    else if (t === 'twine' && s === 'upload') registry = 'pypi';
    else if ((t === 'uv' || t === 'poetry' || t === 'flit' || t === 'hatch' || t === 'pdm') && s === 'publish') registry = 'pypi';
    else if (t === 'maturin' && (s === 'publish' || s === 'upload')) registry = 'pypi';
    else if (t === 'cargo' && s === 'publish') registry = 'crates.io';
    else if (t === 'gem' && s === 'push') registry = 'rubygems';
    else if (t === 'bundle' && s === 'exec' && w[2] === 'rake' && w[3] === 'release') registry = 'rubygems';
    else if ((t === 'dotnet' && s === 'nuget' && w[2] === 'push') || (t === 'nuget' && s === 'push')) registry = 'nuget';
    if (registry) out.push({ start: cmd.start, end: cmd.end, text: text.slice(cmd.start, cmd.end).trim(), registry });
  }
  return out;
}

const DOCKER_GLOBAL_VALUE = new Set(['-H', '--host', '--context', '-c', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const DOCKER_RUN_VALUE = new Set(['-v', '--volume', '-e', '--env', '--env-file', '--name', '-p', '--publish', '--network', '--net', '-w', '--workdir', '--entrypoint', '-u', '--user', '--platform', '--mount', '-l', '--label', '--cpus', '-m', '--memory', '-h', '--hostname', '--add-host', '--restart', '--log-driver', '--log-opt', '--cap-add', '--cap-drop', '--device', '--gpus', '--pull', '--shm-size', '--ulimit', '--tmpfs', '--runtime', '--security-opt', '--ipc', '--pid', '--dns', '--expose', '--link', '--cidfile', '--stop-signal', '--stop-timeout', '--health-cmd', '--volumes-from', '--group-add', '--userns', '--uts', '--cgroupns', '-a', '--attach']);

/** One container image a script pulls or runs: where, and the reference as written. */
export interface ImageHit extends ScriptHit {
  image: string;
}

/** Images named by `docker|podman pull|run|create` in a script (flags and their values skipped). */
export function scriptImages(text: string): ImageHit[] {
  const out: ImageHit[] = [];
  if (!/\b(?:docker|podman)\b/.test(text)) return out;
  for (const cmd of commandsOf(text)) {
    const w = unwrap(cmd.words);
    const tool = (w[0] ?? '').replace(/^.*\//, '');
    if (tool !== 'docker' && tool !== 'podman') continue;
    let i = 1;
    while (i < w.length && w[i]!.startsWith('-')) i += DOCKER_GLOBAL_VALUE.has(w[i]!) ? 2 : 1;
    let sub = w[i];
    if ((sub === 'container' || sub === 'image') && ['run', 'create', 'pull'].includes(w[i + 1] ?? '')) sub = w[++i];
    if (sub !== 'pull' && sub !== 'run' && sub !== 'create') continue;
    const args = w.slice(i + 1);
    const image = positionals(args, DOCKER_RUN_VALUE)[0];
    if (!image || image.includes('$') || image.startsWith('-')) continue;
    const at = text.indexOf(image, cmd.start);
    out.push({ start: at >= 0 && at < cmd.end ? at : cmd.start, end: at >= 0 && at < cmd.end ? at + image.length : cmd.end, text: image, image });
  }
  return out;
}
