import type { Hit } from './common.js';
import { isPlaceholderValue, isSecretName } from './common.js';
import { parseArgInstruction, parseEnvInstruction, shellCommands, splitImage, substitute } from './dockerfile.js';
import type { Command, Dockerfile, Instruction, MappedText, Stage, Word } from './dockerfile.js';
import { pipeToShell } from '../shell.js';

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 160);

/** A script to audit: an instruction's arguments or a heredoc body. */
interface Script {
  text: MappedText;
  ins: Instruction;
}

const SECRET_FILE = /(?:^|\/)(?:id_(?:rsa|dsa|ecdsa|ed25519)|\.env(?:\.(?!example$|sample$|template$|dist$|defaults?$)[\w-]+)?|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.dockercfg|credentials(?:\.json)?|kubeconfig|[\w.-]+\.(?:pem|key|p12|pfx|jks|keystore)|\.aws(?:\/credentials)?|\.ssh|\.docker\/config\.json|service-account(?:-key)?\.json)$/i;

/** What the checks of one Dockerfile share: its hits, and how a hit's identity is made. */
interface FileAudit {
  df: Dockerfile;
  hits: Hit[];
  /** `stage:NAME|KEYWORD normalised-arguments|extra`: where a hit is, without its line. */
  id: (ins: Instruction, extra?: string) => string;
}

const stageLabel = (s: Stage | undefined) => (s ? `stage:${s.name ?? s.index}` : 'stage:global');

/**
 * Runs every Dockerfile rule; returns hits. The stages' checks and each instruction's are functions of their own
 * (see {@link auditCommand}: one function with all of them inlined was the optimizing compiler's largest job).
 */
export function checkDockerfile(df: Dockerfile): Hit[] {
  const hits: Hit[] = [];
  // An instruction's normalised text, once per instruction (a RUN line gives many findings).
  const normed = new Map<Instruction, string>();
  const normOf = (ins: Instruction) => {
    let t = normed.get(ins);
    if (t === undefined) normed.set(ins, (t = norm(ins.args.text)));
    return t;
  };
  const id = (ins: Instruction, extra = '') => `${stageLabel(df.stages[ins.stage])}|${ins.keyword} ${normOf(ins)}${extra ? `|${extra}` : ''}`;
  const a: FileAudit = { df, hits, id };
  checkStages(a);
  for (const ins of df.instructions) {
    switch (ins.keyword) {
      case 'ENV':
        checkEnv(a, ins);
        break;
      case 'ARG':
        checkArg(a, ins);
        break;
      case 'EXPOSE':
        checkExpose(a, ins);
        break;
      case 'ADD':
      case 'COPY':
        checkAddCopy(a, ins);
        break;
      case 'RUN':
      case 'ONBUILD': {
        if (ins.keyword === 'ONBUILD' && !/^\s*RUN\b/i.test(ins.args.text)) break;
        scanScript({ text: ins.args, ins }, hits, id);
        for (const h of ins.heredocs) scanScript({ text: h.body, ins }, hits, id);
        break;
      }
    }
  }
  return hits;
}

/** The span of an instruction's first line. */
function insSpan(ins: Instruction): Hit['span'] {
  return { startLine: ins.startLine, startColumn: ins.startColumn, endLine: ins.startLine, endColumn: ins.startLine === ins.endLine ? ins.endColumn : ins.args.pos(ins.args.text.length).column };
}

/** Base images (latest, untagged, no digest) and the final stage's user and healthcheck. */
function checkStages({ df, hits }: FileAudit): void {
  // Effective user per stage (inherited from a parent stage).
  const userOf = new Map<number, { user: string; ins: Instruction } | undefined>();
  for (const stage of df.stages) {
    const from = stage.from;
    const img = stage.image;
    const parent = df.stages.find((s) => s.name !== undefined && s.name === img.toLowerCase() && s.index < stage.index);
    const imgStart = from.args.text.search(/\S/);
    const fromWords = from.args.text.trim().split(/\s+/);
    const rawImage = fromWords.find((w) => !w.startsWith('--')) ?? '';
    const imgOff = from.args.text.indexOf(rawImage, Math.max(0, imgStart));
    const imgSpan = from.args.span(imgOff, imgOff + rawImage.length);
    if (!parent && img.toLowerCase() !== 'scratch' && !img.includes('$')) {
      const { name, tag, digest } = splitImage(img);
      const ident = `${stageLabel(stage)}|FROM ${name}`;
      if (!digest && tag === 'latest') hits.push({ rule: 'docker-base-latest', span: imgSpan, identity: ident, message: `Base image ${name} uses the moving tag latest; pin a version and digest.` });
      else if (!digest && tag === undefined) hits.push({ rule: 'docker-base-untagged', span: imgSpan, identity: ident, message: `Base image ${name} has no tag (means latest); pin a version and digest.` });
      else if (!digest) hits.push({ rule: 'docker-base-no-digest', span: imgSpan, identity: `${ident}:${tag}`, message: `Base image ${name}:${tag} is not pinned by digest.` });
    }
    let user = parent ? userOf.get(parent.index) : undefined;
    let healthcheck = false;
    const vars = new Map(df.globalArgs);
    for (const ins of stage.instructions) {
      if (ins.keyword === 'USER') user = { user: ins.args.text.trim(), ins };
      if (ins.keyword === 'HEALTHCHECK') healthcheck = !/^NONE\b/i.test(ins.args.text.trim());
      if (ins.keyword === 'ARG') for (const a of parseArgInstruction(ins.args.text)) if (a.value !== undefined) vars.set(a.name, a.value);
    }
    userOf.set(stage.index, user);
    const final = stage.index === df.stages.length - 1;
    if (final && img.toLowerCase() !== 'scratch') {
      const nonRootImage = /(?:nonroot|distroless\/.*:nonroot|chainguard)/i.test(img);
      if (!user && !nonRootImage) {
        hits.push({ rule: 'docker-no-user', span: insSpan(from), identity: `${stageLabel(stage)}|no-user`, message: 'The final stage never sets USER, so the container runs as root.' });
      } else if (user && /^(?:root|0)(?::.*)?$/i.test(substitute(user.user, vars))) {
        hits.push({ rule: 'docker-user-root', span: insSpan(user.ins), identity: `${stageLabel(stage)}|user-root`, message: 'The final stage runs as root; switch to an unprivileged USER.' });
      }
      if (!healthcheck) hits.push({ rule: 'docker-missing-healthcheck', span: insSpan(from), identity: `${stageLabel(stage)}|no-healthcheck`, message: 'The final stage declares no HEALTHCHECK.' });
    }
  }
}

function checkEnv({ hits, id }: FileAudit, ins: Instruction): void {
  const a = ins.args;
  for (const p of parseEnvInstruction(a.text)) {
    if (isSecretName(p.name) && !isPlaceholderValue(p.value) && !/\$/.test(p.value)) {
      hits.push({ rule: 'docker-secret-env', span: a.span(p.start, p.end), identity: id(ins, p.name).replace(/\|ENV .*\|/, `|ENV|`), message: `ENV ${p.name} holds a literal secret that is stored in the image config.` });
    }
  }
}

function checkArg({ df, hits }: FileAudit, ins: Instruction): void {
  const a = ins.args;
  for (const p of parseArgInstruction(a.text)) {
    if (isSecretName(p.name)) {
      hits.push({ rule: 'docker-secret-arg', span: a.span(p.offset, p.offset + p.name.length), identity: `${stageLabel(df.stages[ins.stage])}|ARG|${p.name}`, message: `Build ARG ${p.name} looks like a secret; build args are recorded in the image history.` });
    }
  }
}

function checkExpose({ df, hits }: FileAudit, ins: Instruction): void {
  const a = ins.args;
  for (const m of a.text.matchAll(/(?:^|\s)((\d+)(?:-(\d+))?(?:\/(?:tcp|udp))?)/g)) {
    const lo = Number(m[2]);
    const hi = m[3] ? Number(m[3]) : lo;
    if (lo <= 22 && hi >= 22) {
      const off = m.index! + m[0].indexOf(m[1]!);
      hits.push({ rule: 'docker-expose-ssh', span: a.span(off, off + m[1]!.length), identity: `${stageLabel(df.stages[ins.stage])}|EXPOSE|22`, message: 'Port 22 (SSH) is exposed.' });
    }
  }
}

function checkAddCopy({ hits, id }: FileAudit, ins: Instruction): void {
  const a = ins.args;
  const words = shellCommands(a.text).flatMap((c) => c.words);
  const flags = words.filter((w) => w.text.startsWith('--'));
  const rest = words.filter((w) => !w.text.startsWith('--') && !w.text.startsWith('<<'));
  const srcs = rest.slice(0, -1);
  const fromStage = flags.some((f) => f.text.startsWith('--from'));
  const checksum = flags.some((f) => f.text.startsWith('--checksum'));
  for (const s of srcs) {
    const isUrl = /^(?:https?|ftp):\/\//i.test(s.text) || /^git@/.test(s.text);
    if (ins.keyword === 'ADD' && isUrl && !checksum) {
      hits.push({ rule: 'docker-add-url', span: a.span(s.start, s.end), identity: id(ins, s.text), message: 'ADD downloads remote content without a checksum.' });
    } else if (ins.keyword === 'ADD' && !isUrl && !/\.(?:tar|tgz|tar\.(?:gz|bz2|xz|zst)|txz|tbz2?)$/i.test(s.text)) {
      hits.push({ rule: 'docker-add-local-file', span: { startLine: ins.startLine, startColumn: ins.startColumn, endLine: ins.startLine, endColumn: ins.startColumn + 3 }, identity: id(ins, s.text), message: `Use COPY rather than ADD for ${s.text}.` });
    }
    if (!fromStage && SECRET_FILE.test(s.text.replace(/\/+$/, ''))) {
      hits.push({ rule: 'docker-copy-secret-file', span: a.span(s.start, s.end), identity: id(ins, s.text), message: `${s.text} looks like a secret file and would be stored in an image layer.` });
    }
    if (/^[a-z][\w+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(s.text)) {
      hits.push({ rule: 'docker-url-credentials', span: a.span(s.start, s.end), identity: id(ins, 'url-credentials'), message: 'The URL carries a password.' });
    }
  }
}

/** Commands with a flag that turns TLS certificate checks off (pip's forms are matched by {@link PIP}). */
const TLS_FLAG_COMMANDS = new Set(['curl', 'wget', 'npm', 'yarn', 'pnpm']);
const NODE_PMS = new Set(['npm', 'yarn', 'pnpm']);
const PIP = /^pip3?$/;
/** Package-manager flags that install packages whose signatures were not checked. */
const UNAUTHENTICATED_FLAGS = new Set(['--allow-unauthenticated', '--force-yes', '--nogpgcheck', '--no-gpg-checks', '--allow-untrusted', '--allow-insecure-repositories']);
/** The directory of a command named by its path (`/usr/bin/curl`). */
const DIRECTORY = /^.*\//;
/** `NAME=value` before a command. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

const opt = (words: Word[], ...names: string[]) => words.some((w) => names.includes(w.text) || names.some((n) => n.startsWith('--') && w.text.startsWith(n + '=')));

function scanScript(s: Script, hits: Hit[], id: (ins: Instruction, extra?: string) => string): void {
  const t = s.text.text;
  const span = (start: number, end: number) => s.text.span(start, end);
  // curl | sh, wget -O- | sudo bash, bash <(curl ...), sh -c "$(curl ...)": the detector the pipeline checks use.
  for (const h of pipeToShell(t)) {
    const how = /^(?:curl|wget)\b/.test(h.text) ? 'piped straight into' : 'run straight by';
    hits.push({ rule: 'docker-curl-pipe-shell', span: span(h.start, h.end), identity: id(s.ins, 'curl-pipe-shell'), message: `A downloaded script is ${how} an interpreter.` });
  }
  const cmds = shellCommands(t);
  // A URL with a password holds `://`: most scripts are passed over without running the regex.
  if (t.includes('://')) {
    for (const m of t.matchAll(/\b[a-z][\w+.-]*:\/\/[^/\s:@'"$]+:[^/\s@'"$]+@[\w.-]+/gi)) {
      hits.push({ rule: 'docker-url-credentials', span: span(m.index!, m.index! + m[0].length), identity: id(s.ins, 'url-credentials'), message: 'A URL in RUN carries a password.' });
    }
  }
  const hasCleanup = (re: RegExp) => re.test(t);
  for (const c of cmds) auditCommand(c, s, hits, id, span, hasCleanup);
}

/**
 * One simple command of a script as the command audits see it: its words once `NAME=value` prefixes and `sudo` are
 * dropped, the command's name without its directory, and where to report.
 */
interface CommandAudit {
  /** The command name without its directory (`/usr/bin/curl` -> `curl`). */
  name: string;
  /** The command's words, the name first. */
  words: Word[];
  /** The words after the name. */
  args: Word[];
  /** The first argument that is not an option (`install`). */
  sub: string | undefined;
  s: Script;
  hits: Hit[];
  id: (ins: Instruction, extra?: string) => string;
  span: (a: number, b: number) => Hit['span'];
  hasCleanup: (re: RegExp) => boolean;
}

/**
 * The checks of one command: those every command gets (sudo, TLS flags, unauthenticated installs), then the one
 * audit of its name (apt, apk, pip, ...). Small functions, one per command family, rather than one large one: the
 * optimizing compiler compiles each that runs often, and a function with every audit inlined took it longer to
 * compile than a scan of thousands of Dockerfiles took to run.
 */
function auditCommand(
  c: Command,
  s: Script,
  hits: Hit[],
  id: (ins: Instruction, extra?: string) => string,
  span: (a: number, b: number) => Hit['span'],
  hasCleanup: (re: RegExp) => boolean,
): void {
  let words = c.words;
  while (words.length && ASSIGNMENT.test(words[0]!.text)) words = words.slice(1);
  if (!words.length) return;
  const w0 = words[0]!;
  if (w0.text === 'sudo') {
    hits.push({ rule: 'docker-sudo', span: span(w0.start, w0.end), identity: id(s.ins, 'sudo'), message: 'RUN uses sudo.' });
    words = words.slice(1).filter((w, i) => !(i === 0 && w.text.startsWith('-')));
    if (!words.length) return;
  }
  const name = words[0]!.text.replace(DIRECTORY, '');
  const args = words.slice(1);
  const sub = args.find((w) => !w.text.startsWith('-'))?.text;
  const a: CommandAudit = { name, words, args, sub, s, hits, id, span, hasCleanup };
  if (TLS_FLAG_COMMANDS.has(name) || PIP.test(name)) auditTls(a);
  auditUnauthenticated(a);
  AUDITS.get(name)?.(a);
  if (PIP_NAME.test(name) || PYTHON_NAME.test(name)) auditPip(a);
}

/** `pip`, `pip3`, `pip3.12`. */
const PIP_NAME = /^pip(?:3(?:\.\d+)?)?$/;
/** `python`, `python3`, `python3.12` (`python -m pip`). */
const PYTHON_NAME = /^python(?:3(?:\.\d+)?)?$/;

/** Where a word is. */
function at(a: CommandAudit, w: Word): Hit['span'] {
  return a.span(w.start, w.end);
}

/** Where the whole command is. */
function cmdSpan(a: CommandAudit): Hit['span'] {
  return a.span(a.words[0]!.start, a.words[a.words.length - 1]!.end);
}

/** The package arguments after the subcommand: not options (nor the value of one in `skipArgFlags`), not `$VAR`. */
function packages(args: Word[], skipArgFlags: string[]): Word[] {
  const out: Word[] = [];
  let afterSub = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (!afterSub) {
      if (!w.text.startsWith('-')) afterSub = true;
      continue;
    }
    if (w.text.startsWith('-')) {
      if (skipArgFlags.includes(w.text)) i++;
      continue;
    }
    if (w.text.includes('$') || w.text === '') continue;
    out.push(w);
  }
  return out;
}

/** TLS verification disabled: `curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `npm strict-ssl false`. */
function auditTls(a: CommandAudit): void {
  const { name, args } = a;
  for (const w of args) {
    const insecure =
      (name === 'curl' && (w.text === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(w.text))) ||
      (name === 'wget' && w.text === '--no-check-certificate') ||
      (PIP.test(name) && w.text.startsWith('--trusted-host')) ||
      (NODE_PMS.has(name) && w.text.includes('strict-ssl') && args.some((x) => x.text === 'false'));
    if (insecure) {
      a.hits.push({ rule: 'docker-tls-verify-disabled', span: at(a, w), identity: a.id(a.s.ins, `${name} ${w.text}`), message: `${name} ${w.text} disables TLS certificate verification.` });
      break;
    }
  }
}

/** Package-manager flags that install packages whose signatures were not checked. */
function auditUnauthenticated(a: CommandAudit): void {
  for (const w of a.args) {
    if (UNAUTHENTICATED_FLAGS.has(w.text) || (a.name.startsWith('rpm') && w.text === '--nosignature')) {
      a.hits.push({ rule: 'docker-pkg-unauthenticated', span: at(a, w), identity: a.id(a.s.ins, `${a.name} ${w.text}`), message: `${w.text} installs packages without checking signatures.` });
    }
  }
}

function auditChmod(a: CommandAudit): void {
  for (const w of a.args) {
    if (worldWritable(w.text)) {
      a.hits.push({ rule: 'docker-chmod-world-writable', span: at(a, w), identity: a.id(a.s.ins, `chmod ${w.text}`), message: `chmod ${w.text} makes files world-writable.` });
      break;
    }
  }
}

function auditApt(a: CommandAudit): void {
  const { name, sub, args, s } = a;
  if (!sub) return;
  if (sub === 'upgrade' || sub === 'dist-upgrade' || sub === 'full-upgrade') {
    a.hits.push({ rule: 'docker-apt-upgrade', span: cmdSpan(a), identity: a.id(s.ins, `${name} ${sub}`), message: `${name} ${sub} makes the build depend on the day it runs.` });
  }
  if (sub !== 'install') return;
  const pk = packages(args, ['-o', '-t', '--target-release']).filter((w) => !w.text.endsWith('.deb'));
  for (const p of pk) {
    if (!p.text.includes('=')) a.hits.push({ rule: 'docker-apt-unpinned', span: at(a, p), identity: a.id(s.ins, `apt:${p.text}`), message: `apt package ${p.text} is not pinned to a version.` });
  }
  if (!opt(args, '--no-install-recommends') && !/APT::Install-Recommends[= ]+"?(?:false|0)/i.test(s.text.text)) {
    a.hits.push({ rule: 'docker-apt-no-recommends', span: cmdSpan(a), identity: a.id(s.ins, 'apt-recommends'), message: 'apt install pulls recommended packages; add --no-install-recommends.' });
  }
  const cacheMount = /--mount=type=cache[^\s]*target=\/var\/(?:lib|cache)\/apt/.test(s.ins.args.text);
  if (!cacheMount && !a.hasCleanup(/rm\s+-(?:r?f|f?r|rf|fr)\s+[^;&|]*\/var\/lib\/apt\/lists/)) {
    a.hits.push({ rule: 'docker-apt-no-cleanup', span: cmdSpan(a), identity: a.id(s.ins, 'apt-cleanup'), message: 'apt lists are not removed in the same RUN.' });
  }
}

function auditApk(a: CommandAudit): void {
  const { args, s } = a;
  if (a.sub !== 'add') return;
  for (const p of packages(args, ['-t', '--virtual', '-X', '--repository', '--root', '-p'])) {
    if (!/[=<>~]/.test(p.text) && !p.text.endsWith('.apk')) a.hits.push({ rule: 'docker-apk-unpinned', span: at(a, p), identity: a.id(s.ins, `apk:${p.text}`), message: `apk package ${p.text} is not pinned to a version.` });
  }
  if (!opt(args, '--no-cache') && !a.hasCleanup(/rm\s+-\w*\s+[^;&|]*\/var\/cache\/apk/) && !/--mount=type=cache[^\s]*\/var\/cache\/apk/.test(s.ins.args.text)) {
    a.hits.push({ rule: 'docker-apk-no-cache', span: cmdSpan(a), identity: a.id(s.ins, 'apk-cache'), message: 'apk add keeps its index; use --no-cache.' });
  }
}

function auditYum(a: CommandAudit): void {
  if (a.sub !== 'install') return;
  if (!a.hasCleanup(/\b(?:yum|dnf|microdnf)\s+clean\s+all\b|rm\s+-\w*\s+[^;&|]*\/var\/cache\/(?:yum|dnf)/)) {
    a.hits.push({ rule: 'docker-yum-no-cleanup', span: cmdSpan(a), identity: a.id(a.s.ins, `${a.name}-cleanup`), message: `${a.name} install without cleaning the cache in the same RUN.` });
  }
}

/** pip, pip3, python -m pip. */
function auditPip(a: CommandAudit): void {
  const { name, args, s } = a;
  let pipArgs: Word[] | undefined;
  if (PIP_NAME.test(name)) pipArgs = args;
  else if (args[0]?.text === '-m' && args[1]?.text === 'pip') pipArgs = args.slice(2);
  if (!pipArgs || pipArgs.find((w) => !w.text.startsWith('-'))?.text !== 'install') return;
  let seenSub = false;
  let editable = false;
  for (let i = 0; i < pipArgs.length; i++) {
    const w = pipArgs[i]!;
    if (!seenSub) {
      if (w.text === 'install') seenSub = true;
      continue;
    }
    if (w.text.startsWith('-')) {
      if (PIP_ARG_FLAGS.includes(w.text)) {
        editable = w.text === '-e' || w.text === '--editable';
        i++;
      }
      continue;
    }
    if (editable || w.text.includes('$')) continue;
    const local = /^(?:\.|\/|~|[\w.-]+\/)|\.(?:whl|tar\.gz|zip)$|^(?:git\+|https?:)/.test(w.text);
    if (!local && !/===?|@\s*\S/.test(w.text)) a.hits.push({ rule: 'docker-pip-unpinned', span: at(a, w), identity: a.id(s.ins, `pip:${w.text}`), message: `pip package ${w.text} is not pinned (use ==).` });
  }
  const noCacheEnv = /PIP_NO_CACHE_DIR=(?:1|true|on|yes|off|0)/i.test(s.text.text);
  if (!opt(pipArgs, '--no-cache-dir') && !noCacheEnv && !/--mount=type=cache[^\s]*\.cache\/pip/.test(s.ins.args.text)) {
    a.hits.push({ rule: 'docker-pip-no-cache-dir', span: cmdSpan(a), identity: a.id(s.ins, 'pip-cache'), message: 'pip install keeps its cache; add --no-cache-dir.' });
  }
}

/** pip options that take a value (the next word is not a package). */
const PIP_ARG_FLAGS = ['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-t', '--target', '--trusted-host', '-f', '--find-links', '--prefix', '--root', '--platform', '--python-version', '--only-binary', '--no-binary'];

function auditNpm(a: CommandAudit): void {
  const { sub, args, s } = a;
  if (!(sub === 'install' || sub === 'i' || sub === 'add') || !opt(args, '-g', '--global')) return;
  for (const p of packages(args, ['--registry', '--prefix'])) {
    if (!/^@?[^@]+@(?!latest$|next$)\S+$/.test(p.text) && !/^(?:\.|\/|https?:|git\+)/.test(p.text)) {
      a.hits.push({ rule: 'docker-npm-global-unpinned', span: at(a, p), identity: a.id(s.ins, `npm:${p.text}`), message: `Global npm package ${p.text} is not pinned to a version.` });
    }
  }
}

function auditYarn(a: CommandAudit): void {
  const { args, s } = a;
  if (a.sub !== 'global' || args[1]?.text !== 'add') return;
  for (const p of args.slice(2).filter((w) => !w.text.startsWith('-'))) {
    if (!/^@?[^@]+@(?!latest$)\S+$/.test(p.text)) a.hits.push({ rule: 'docker-npm-global-unpinned', span: at(a, p), identity: a.id(s.ins, `yarn:${p.text}`), message: `Global yarn package ${p.text} is not pinned to a version.` });
  }
}

function auditGem(a: CommandAudit): void {
  const { args, s } = a;
  if (a.sub !== 'install' || opt(args, '-v', '--version') || args.some((w) => /^--version=|:\d/.test(w.text))) return;
  for (const p of packages(args, ['--source', '-s', '-i', '--install-dir', '-n', '--bindir'])) {
    a.hits.push({ rule: 'docker-gem-unpinned', span: at(a, p), identity: a.id(s.ins, `gem:${p.text}`), message: `gem ${p.text} is installed without -v.` });
  }
}

function auditGo(a: CommandAudit): void {
  if (a.sub !== 'install' && a.sub !== 'get') return;
  for (const p of a.args.slice(1)) {
    if (/@latest$/.test(p.text)) a.hits.push({ rule: 'docker-go-install-latest', span: at(a, p), identity: a.id(a.s.ins, `go:${p.text}`), message: `${p.text} fetches the newest version.` });
  }
}

/** The audit of each command name that has one (pip and python by {@link PIP_NAME} and {@link PYTHON_NAME}). */
const AUDITS = new Map<string, (a: CommandAudit) => void>([
  ['chmod', auditChmod],
  ['apt-get', auditApt],
  ['apt', auditApt],
  ['apk', auditApk],
  ['yum', auditYum],
  ['dnf', auditYum],
  ['microdnf', auditYum],
  ['npm', auditNpm],
  ['yarn', auditYarn],
  ['gem', auditGem],
  ['go', auditGo],
]);

/** True for a chmod mode that grants write to others: 777, 0666, o+w, a+rwx. */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return /[2367]$/.test(mode);
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([+=])([rwxXst]*)$/.exec(clause);
    return !!m && /[oa]/.test(m[1]!) && m[3]!.includes('w');
  });
}
