import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import {
  checkRecipient,
  encryptAge,
  formatRecipients,
  formatSecretsYaml,
  newIdentity,
  parseRecipients,
  parseSecretsYaml,
  SECRET_NAME,
  type Recipient,
} from '../../deliver/secrets/age-file.js';
import { defaultIdentityFile, redactSecret, type SecretStore } from '../../deliver/secrets/store.js';
import { writeFileAtomic } from '../../deliver/fs-atomic.js';
import { int, parse } from '../args.js';
import { auditLog, auditSigner, chooseEnv, deliverContext, secretStore, type DeliverContext } from '../deliver-context.js';
import type { CliIO, Command } from '../io.js';

const COMMON = {
  env: { type: 'string', short: 'e' },
  identity: { type: 'string', short: 'i' },
  config: { type: 'string', short: 'c' },
} as const;

/** `pipeguard secrets-file ...`: manage an environment's age-encrypted secrets file. */
export const secretsFileCommand: Command = {
  name: 'secrets-file',
  summary: 'manage the age-encrypted secrets file of an environment (edit, set, get, rotate, recipients, keygen)',
  help: `Usage: pipeguard secrets-file <command> [options]

The secrets of an environment live in an age-encrypted YAML file committed to the repository
(secrets.file, default secrets/{env}.age.yml), encrypted to the public keys in its recipients file
(secrets.recipients, default secrets/{env}.recipients, age's -R format). The age CLI reads and writes it too.

Commands:
  keygen [-o FILE]                 make an age identity (private key, mode 0600; default
                                   ~/.config/pipeguard/age-identity.txt) and print its public key
  recipients [--add KEY [--comment WHO]] [--remove KEY]
                                   list the recipients, or change them and re-encrypt the file
  list                             the names of the secrets (never values)
  set NAME [--from-file FILE]      set a secret from standard input (one final newline dropped) or a file
  get NAME [--show-secrets]        print a secret: redacted and its SHA-256 prefix, or whole with --show-secrets
  rotate [NAME...] [--length N]    re-encrypt under a new file key; with names, give them new random values
  edit                             open the decrypted YAML in $VISUAL or $EDITOR (a private temporary file,
                                   removed afterwards) and encrypt the result

Options:
  -e, --env ENV        environment (default: pipeline.env)
  -i, --identity FILE  age identity that decrypts the file (else $PIPEGUARD_AGE_IDENTITY, its _FILE,
                       secrets.identity, or ~/.config/pipeguard/age-identity.txt)
  -c, --config FILE    pipeguard.yml to use

Every change is recorded in the audit log (names only). Secrets shorter than secrets.minLength (default 8)
are refused: they could not be masked in logs.
`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'keygen':
        return keygen(rest, io);
      case 'recipients':
        return recipients(rest, io);
      case 'list':
        return listCmd(rest, io);
      case 'set':
        return setCmd(rest, io);
      case 'get':
        return getCmd(rest, io);
      case 'rotate':
        return rotate(rest, io);
      case 'edit':
        return edit(rest, io);
      default:
        throw new UsageError(sub ? `unknown secrets-file command ${sub}` : 'give a secrets-file command: keygen, recipients, list, set, get, rotate or edit');
    }
  },
};

interface Opened {
  ctx: DeliverContext;
  env: string;
  store: SecretStore;
  recipients: Recipient[];
}

function open(io: CliIO, values: { env?: string; identity?: string; config?: string }): Opened {
  const ctx = deliverContext(io, values.config);
  const env = chooseEnv(ctx, values.env, true)!;
  const store = secretStore(ctx, io, env, values.identity);
  return { ctx, env, store, recipients: readRecipients(store, ctx) };
}

function readRecipients(store: SecretStore, ctx: DeliverContext): Recipient[] {
  if (!existsSync(store.recipientsFile)) return [];
  return parseRecipients(readFileSync(store.recipientsFile, 'utf8'), ctx.show(store.recipientsFile));
}

/** Encrypts the values to the recipients and replaces the file atomically. */
async function save(o: Opened, values: ReadonlyMap<string, string>): Promise<void> {
  if (!o.recipients.length) throw new InputError('no recipients: add one with pipeguard secrets-file recipients --add age1...', o.ctx.show(o.store.recipientsFile));
  writeFileAtomic(o.store.file, await encryptAge(formatSecretsYaml(values), o.recipients.map((r) => r.key)));
}

async function audit(o: Opened, io: CliIO, type: string, data: Record<string, unknown>): Promise<void> {
  const signer = await auditSigner(o.ctx, o.store).catch(() => undefined);
  await auditLog(o.ctx, io, signer).append(type, { env: o.env, file: o.store.fileDisplay, ...data });
}

async function current(o: Opened): Promise<Map<string, string>> {
  return (await o.store.fromFile()) ?? new Map();
}

async function keygen(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { output: { type: 'string', short: 'o' } }, 0);
  const path = values.output ? resolve(io.cwd, values.output) : defaultIdentityFile(io.env);
  if (!path) throw new UsageError('give -o FILE (no HOME to put the default identity file in)');
  if (existsSync(path)) throw new InputError('already exists: not overwriting an identity', path);
  const { identity, recipient } = await newIdentity();
  writeFileAtomic(path, `# created: ${io.now().toISOString()}\n# public key: ${recipient}\n${identity}\n`, 0o600);
  io.stderr.write(`pipeguard: wrote the identity to ${path} (keep it secret; back it up)\n`);
  io.stdout.write(`${recipient}\n`);
  return 0;
}

async function recipients(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { ...COMMON, add: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true }, comment: { type: 'string' } }, 0);
  const o = open(io, values);
  const add = values.add ?? [];
  const remove = values.remove ?? [];
  if (!add.length && !remove.length) {
    if (values.comment) throw new UsageError('--comment goes with --add');
    for (const r of o.recipients) io.stdout.write(`${r.key}${r.comment ? `  # ${r.comment}` : ''}\n`);
    return 0;
  }
  for (const k of add) checkRecipient(k);
  // decrypt with the old recipients' key before the list changes
  const values0 = existsSync(o.store.file) ? await current(o) : undefined;
  const next = o.recipients.filter((r) => !remove.includes(r.key));
  for (const k of remove) if (!o.recipients.some((r) => r.key === k)) throw new InputError(`${k.slice(0, 16)}... is not a recipient`, o.ctx.show(o.store.recipientsFile));
  for (const k of add) if (!next.some((r) => r.key === k)) next.push({ key: k, ...(values.comment ? { comment: values.comment } : {}) });
  if (!next.length) throw new UsageError('that would leave no recipient: nobody could decrypt the file');
  const updated = { ...o, recipients: next };
  if (values0) await save(updated, values0);
  writeFileAtomic(o.store.recipientsFile, formatRecipients(next));
  await audit(updated, io, 'secrets-file.recipients', { added: add, removed: remove, recipients: next.length });
  io.stderr.write(`pipeguard: ${next.length} recipient(s)${values0 ? `; ${o.store.fileDisplay} re-encrypted` : ''}\n`);
  if (remove.length && values0) {
    io.stderr.write('pipeguard: note: a removed recipient can still decrypt old copies in version control: rotate the secrets they could read (pipeguard secrets-file rotate NAME...)\n');
  }
  return 0;
}

async function listCmd(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, COMMON, 0);
  const o = open(io, values);
  for (const n of await o.store.names()) io.stdout.write(`${n}\n`);
  return 0;
}

async function setCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON, 'from-file': { type: 'string' } }, 1);
  const name = positionals[0];
  if (!name) throw new UsageError('give the secret name: pipeguard secrets-file set NAME < value');
  if (!SECRET_NAME.test(name)) throw new UsageError(`${name} is not a valid secret name (an environment variable name)`);
  const o = open(io, values);
  let value: string;
  if (values['from-file']) {
    try {
      value = readFileSync(resolve(io.cwd, values['from-file']), 'utf8');
    } catch {
      throw new InputError('cannot read', values['from-file']);
    }
  } else {
    if (io.stdin.isTTY) io.stderr.write(`value of ${name} (then Ctrl-D): `);
    value = await readAll(io.stdin, 1024 * 1024);
  }
  value = value.replace(/\r?\n$/, '');
  const min = o.ctx.config.secrets.minLength;
  if (value.length < min) throw new InputError(`secret ${name} is shorter than ${min} characters: too short to mask in logs (secrets.minLength)`);
  const all = existsSync(o.store.file) ? await current(o) : new Map<string, string>();
  const existed = all.has(name);
  all.set(name, value);
  parseSecretsYaml(formatSecretsYaml(all), o.store.fileDisplay, min);
  await save(o, all);
  await audit(o, io, 'secrets-file.set', { name, action: existed ? 'changed' : 'added' });
  io.stderr.write(`pipeguard: ${existed ? 'changed' : 'added'} ${name} in ${o.store.fileDisplay}\n`);
  return 0;
}

async function getCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON, 'show-secrets': { type: 'boolean' } }, 1);
  const name = positionals[0];
  if (!name) throw new UsageError('give the secret name');
  const o = open(io, values);
  const v = (await o.store.resolve([{ name, as: name }])).get(name)!;
  const reveal = values['show-secrets'] === true;
  await audit(o, io, 'secret.access', { name, source: v.source, by: 'secrets-file get', revealed: reveal });
  io.stdout.write(reveal ? `${v.value}\n` : `${redactSecret(v.value)}  sha256:${createHash('sha256').update(v.value).digest('hex').slice(0, 16)}\n`);
  return 0;
}

async function rotate(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON, length: { type: 'string' } }, 64);
  const o = open(io, values);
  const len = int('length', values.length) ?? 32;
  if (len < o.ctx.config.secrets.minLength) throw new UsageError(`--length must be at least secrets.minLength (${o.ctx.config.secrets.minLength})`);
  if (!existsSync(o.store.file)) throw new InputError('no secrets file to rotate', o.store.fileDisplay);
  const all = await current(o);
  for (const n of positionals) {
    if (!all.has(n)) throw new InputError(`unknown secret ${n}`, o.store.fileDisplay);
    all.set(n, randomBytes(Math.ceil((len * 3) / 4)).toString('base64url').slice(0, len));
  }
  await save(o, all);
  await audit(o, io, 'secrets-file.rotate', { names: positionals, newFileKey: true });
  io.stderr.write(`pipeguard: re-encrypted ${o.store.fileDisplay} under a new file key${positionals.length ? `; new values for ${positionals.join(', ')}` : ''}\n`);
  return 0;
}

async function edit(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, COMMON, 0);
  const o = open(io, values);
  const before = existsSync(o.store.file) ? await current(o) : new Map<string, string>();
  const editor = io.env['VISUAL'] || io.env['EDITOR'] || 'vi';
  // a private folder, in memory when the system has one
  const base = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'pipeguard-edit-'));
  const file = join(dir, `${o.env}.yml`);
  try {
    writeFileSync(file, formatSecretsYaml(before), { mode: 0o600 });
    const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit', env: io.env as NodeJS.ProcessEnv });
    if (r.status !== 0) throw new InputError(`the editor (${editor}) exited with status ${r.status ?? r.signal}: nothing changed`, o.store.fileDisplay);
    const after = parseSecretsYaml(readFileSync(file, 'utf8'), `${o.store.fileDisplay} (edited)`, o.ctx.config.secrets.minLength);
    const changed = [...after.keys()].filter((k) => before.get(k) !== after.get(k));
    const removed = [...before.keys()].filter((k) => !after.has(k));
    if (!changed.length && !removed.length) {
      io.stderr.write('pipeguard: no change\n');
      return 0;
    }
    await save(o, after);
    await audit(o, io, 'secrets-file.edit', { changed, removed });
    io.stderr.write(`pipeguard: ${o.store.fileDisplay}: ${changed.length} set, ${removed.length} removed\n`);
    return 0;
  } finally {
    try {
      writeFileSync(file, Buffer.alloc(Math.min(statSync(file).size, 1 << 20)));
    } catch {
      // gone already
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function readAll(stream: NodeJS.ReadableStream, max: number): Promise<string> {
  return new Promise((resolveText, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > max) reject(new InputError(`value longer than ${max} bytes`, 'stdin'));
      else chunks.push(b);
    });
    stream.on('end', () => resolveText(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
