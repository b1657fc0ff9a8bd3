import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { durationMs, type SecretsDeliveryConfig } from '../config.js';
import { decryptAge, parseIdentities, parseSecretsYaml } from './age-file.js';
import { VaultClient, type VaultAuth } from './vault.js';

/** The project's redacted form of a secret (`ap********(18)`), for showing one without showing it. */
export { redact as redactSecret } from '../../analyzers/secrets/analyze.js';

/** An environment name: also a file name part, so no separators. */
export const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A secret a step asks for: the secret's name and the variable it gets it in. */
export interface SecretRef {
  name: string;
  as: string;
}

/** A secret handed to a step. */
export interface ResolvedSecret {
  name: string;
  /** Where it came from: the secrets file, or `vault:mount/path#key`. */
  source: string;
  value: string;
}

/** Options of {@link SecretStore}. */
export interface SecretStoreOptions {
  /** Folder the config's paths are relative to. */
  root: string;
  env: string;
  config: SecretsDeliveryConfig;
  /** The environment pipeguard runs in (identity, Vault credentials); children never see these. */
  environ: Record<string, string | undefined>;
  /** `--identity FILE`. */
  identityFile?: string;
  /** Paths in messages are shown relative to this folder. */
  cwd?: string;
}

/** Variables that hold pipeguard's own credentials: a child step never gets them. */
export function credentialVariables(config: SecretsDeliveryConfig): string[] {
  const out = new Set(['PIPEGUARD_AGE_IDENTITY', 'PIPEGUARD_AGE_IDENTITY_FILE', 'VAULT_TOKEN', 'VAULT_SECRET_ID']);
  const a = config.vault?.auth;
  if (a?.method === 'token') out.add(a.tokenEnv);
  if (a?.method === 'approle') out.add(a.secretIdEnv);
  return [...out];
}

/** `{env}` in a configured path, replaced. */
export function envPath(template: string, env: string): string {
  return template.replace(/\{env\}/g, env);
}

/**
 * The secrets of one environment, from its age-encrypted secrets file and, for names mapped in
 * `secrets.vault.secrets`, from Vault. The file is decrypted at most once, and only when a name from it is asked
 * for; each Vault path is read once. Names nobody defines are InputErrors before anything runs.
 */
export class SecretStore {
  /** Absolute path of the environment's secrets file. */
  readonly file: string;
  /** Absolute path of its recipients file. */
  readonly recipientsFile: string;
  private fileValues: Promise<Map<string, string> | undefined> | undefined;
  private vault: VaultClient | undefined;
  private readonly vaultCache = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly o: SecretStoreOptions) {
    if (!ENV_NAME.test(o.env)) throw new InputError(`environment name ${JSON.stringify(o.env)} must be letters, digits, dot, underscore or dash`);
    this.file = resolve(o.root, envPath(o.config.file, o.env));
    this.recipientsFile = resolve(o.root, envPath(o.config.recipients, o.env));
  }

  /** The secrets file as messages show it. */
  get fileDisplay(): string {
    return display(this.file, this.o.cwd ?? this.o.root);
  }

  /** Every name the environment defines (decrypts the file). */
  async names(): Promise<string[]> {
    const file = await this.fromFile();
    return [...new Set([...(file?.keys() ?? []), ...Object.keys(this.o.config.vault?.secrets ?? {})])].sort();
  }

  /** The decrypted secrets file; undefined when the environment has none. */
  fromFile(): Promise<Map<string, string> | undefined> {
    this.fileValues ??= (async () => {
      if (!existsSync(this.file)) return undefined;
      const ids = loadIdentities(this.o);
      const data = readFileSync(this.file);
      const text = await decryptAge(data, ids, this.fileDisplay);
      return parseSecretsYaml(text, this.fileDisplay, this.o.config.minLength);
    })();
    return this.fileValues;
  }

  /** The secrets asked for, keyed by the variable each goes in. Unknown names are InputErrors naming them. */
  async resolve(refs: readonly SecretRef[]): Promise<Map<string, ResolvedSecret>> {
    const out = new Map<string, ResolvedSecret>();
    const mapped = this.o.config.vault?.secrets ?? {};
    for (const ref of refs) {
      const vaultRef = mapped[ref.name];
      if (vaultRef !== undefined) {
        out.set(ref.as, await this.fromVault(ref.name, vaultRef));
        continue;
      }
      const file = await this.fromFile();
      const value = file?.get(ref.name);
      if (value === undefined) {
        const where = file ? `not in ${this.fileDisplay}` : `environment ${this.o.env} has no secrets file (${this.fileDisplay})`;
        throw new InputError(`unknown secret ${ref.name}: ${where}${this.o.config.vault ? ' nor in secrets.vault.secrets' : ''}`);
      }
      out.set(ref.as, { name: ref.name, source: this.fileDisplay, value });
    }
    return out;
  }

  private async fromVault(name: string, ref: string): Promise<ResolvedSecret> {
    const v = this.o.config.vault!;
    const [rawPath, key] = ref.split('#') as [string, string];
    const path = envPath(rawPath, this.o.env);
    this.vault ??= new VaultClient(vaultOptions(this.o));
    let data = this.vaultCache.get(path);
    if (!data) {
      data = this.vault.readKv2(v.mount, path);
      this.vaultCache.set(path, data);
    }
    const value = (await data)[key];
    const source = `vault:${v.mount}/${path}#${key}`;
    if (value === undefined) throw new InputError(`secret ${name}: vault has no key ${key} at ${v.mount}/${path}`);
    if (value.length < this.o.config.minLength) throw new InputError(`secret ${name} (${source}) is shorter than ${this.o.config.minLength} characters: too short to mask in logs (secrets.minLength)`);
    return { name, source, value };
  }
}

function vaultOptions(o: SecretStoreOptions): ConstructorParameters<typeof VaultClient>[0] {
  const v = o.config.vault!;
  const address = v.address ?? o.environ['VAULT_ADDR'];
  if (!address) throw new InputError('vault: no address: set secrets.vault.address or VAULT_ADDR');
  let auth: VaultAuth;
  if (v.auth.method === 'token') {
    const token = o.environ[v.auth.tokenEnv];
    if (!token) throw new InputError(`vault: no token: set ${v.auth.tokenEnv}`);
    auth = { method: 'token', token };
  } else {
    const roleId = v.auth.roleId ?? o.environ[v.auth.roleIdEnv];
    const secretId = o.environ[v.auth.secretIdEnv];
    if (!roleId) throw new InputError(`vault: no AppRole role id: set secrets.vault.auth.roleId or ${v.auth.roleIdEnv}`);
    if (!secretId) throw new InputError(`vault: no AppRole secret id: set ${v.auth.secretIdEnv}`);
    auth = { method: 'approle', mount: v.auth.mount, roleId, secretId };
  }
  let ca: string | undefined;
  if (v.caFile) {
    try {
      ca = readFileSync(resolve(o.root, v.caFile), 'utf8');
    } catch {
      throw new InputError('cannot read the Vault CA file', v.caFile);
    }
  }
  return { address, auth, timeoutMs: durationMs(v.timeout), ...(v.namespace ? { namespace: v.namespace } : {}), ...(ca ? { ca } : {}) };
}

/** Where the age identity comes from, in order: --identity, $PIPEGUARD_AGE_IDENTITY, its _FILE, the config, the default file. */
export function loadIdentities(o: Pick<SecretStoreOptions, 'identityFile' | 'environ' | 'config' | 'root'>): string[] {
  if (o.identityFile) return parseIdentities(readKeyFile(o.identityFile), o.identityFile);
  const inline = o.environ['PIPEGUARD_AGE_IDENTITY'];
  if (inline) return parseIdentities(inline, '$PIPEGUARD_AGE_IDENTITY');
  const fromEnv = o.environ['PIPEGUARD_AGE_IDENTITY_FILE'];
  if (fromEnv) return parseIdentities(readKeyFile(fromEnv), fromEnv);
  if (o.config.identity) {
    const home = o.environ['HOME'];
    const p = o.config.identity.startsWith('~/') && home ? join(home, o.config.identity.slice(2)) : resolve(o.root, o.config.identity);
    return parseIdentities(readKeyFile(p), o.config.identity);
  }
  const def = defaultIdentityFile(o.environ);
  if (def && existsSync(def)) return parseIdentities(readKeyFile(def), def);
  throw new InputError(
    'no age identity to decrypt the secrets file: give --identity FILE, or set PIPEGUARD_AGE_IDENTITY (the key) or PIPEGUARD_AGE_IDENTITY_FILE, or secrets.identity in the config',
  );
}

/** `$XDG_CONFIG_HOME/pipeguard/age-identity.txt` (or under ~/.config). */
export function defaultIdentityFile(environ: Record<string, string | undefined>): string | undefined {
  const base = environ['XDG_CONFIG_HOME'] || (environ['HOME'] ? join(environ['HOME'], '.config') : undefined);
  return base ? join(base, 'pipeguard', 'age-identity.txt') : undefined;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the age identity file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}

function display(path: string, base: string): string {
  const rel = path.startsWith(base + '/') ? path.slice(base.length + 1) : path;
  return rel;
}
