import { InputError } from '../../core/errors.js';
import { httpRequestText } from '../http.js';

/** How a Vault client logs in. */
export type VaultAuth = { method: 'token'; token: string } | { method: 'approle'; mount: string; roleId: string; secretId: string };

/** Options of {@link VaultClient}. */
export interface VaultClientOptions {
  address: string;
  auth: VaultAuth;
  namespace?: string;
  ca?: string;
  timeoutMs: number;
}

/**
 * A minimal HashiCorp Vault client for what a pipeline needs: log in (a token, or AppRole's role id and secret
 * id) and read KV version 2 secrets. Every error is an InputError that names Vault's address and the path, never a
 * token or a value.
 */
export class VaultClient {
  private token: string | undefined;

  constructor(private readonly o: VaultClientOptions) {
    if (o.auth.method === 'token') this.token = o.auth.token;
  }

  /** The data of the latest version of a KV v2 secret at `path` under `mount`. */
  async readKv2(mount: string, path: string): Promise<Record<string, string>> {
    const token = await this.login();
    const where = `${trim(mount)}/data/${trim(path)}`;
    const res = await this.call('GET', `/v1/${where}`, token);
    if (res.status === 404) throw new InputError(`vault: no secret at ${trim(mount)}/${trim(path)}`, this.o.address);
    if (res.status === 403) throw new InputError(`vault: permission denied reading ${where} (the token's policies do not allow it)`, this.o.address);
    if (res.status !== 200) throw new InputError(`vault: reading ${where} failed with HTTP ${res.status}${errorsOf(res.text)}`, this.o.address);
    const body = parse(res.text, this.o.address);
    const data = (body as { data?: { data?: unknown } }).data?.data;
    if (typeof data !== 'object' || data === null) throw new InputError(`vault: ${where} is not a KV version 2 secret (is ${trim(mount)} a KV v2 mount?)`, this.o.address);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out[k] = v;
    return out;
  }

  private async login(): Promise<string> {
    if (this.token) return this.token;
    const a = this.o.auth;
    if (a.method !== 'approle') throw new Error('unreachable');
    const res = await this.call('POST', `/v1/auth/${trim(a.mount)}/login`, undefined, JSON.stringify({ role_id: a.roleId, secret_id: a.secretId }));
    if (res.status === 400 || res.status === 403) throw new InputError(`vault: AppRole login refused (wrong role id or secret id)${errorsOf(res.text)}`, this.o.address);
    if (res.status !== 200) throw new InputError(`vault: AppRole login failed with HTTP ${res.status}${errorsOf(res.text)}`, this.o.address);
    const token = (parse(res.text, this.o.address) as { auth?: { client_token?: unknown } }).auth?.client_token;
    if (typeof token !== 'string' || !token) throw new InputError('vault: AppRole login returned no token', this.o.address);
    this.token = token;
    return token;
  }

  private async call(method: string, path: string, token: string | undefined, body?: string) {
    try {
      return await httpRequestText({
        url: new URL(path, this.o.address).toString(),
        method,
        headers: {
          accept: 'application/json',
          ...(token ? { 'x-vault-token': token } : {}),
          ...(this.o.namespace ? { 'x-vault-namespace': this.o.namespace } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        ...(this.o.ca ? { ca: this.o.ca } : {}),
        timeoutMs: this.o.timeoutMs,
      });
    } catch (e) {
      throw new InputError(`vault: ${(e as Error).message}`, this.o.address);
    }
  }
}

function trim(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

function parse(text: string, address: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('vault: the answer is not JSON', address);
  }
}

/** Vault's `errors` array, short, for a message (Vault never puts secrets there). */
function errorsOf(text: string): string {
  try {
    const errs = (JSON.parse(text) as { errors?: unknown }).errors;
    if (Array.isArray(errs) && errs.length) return `: ${errs.map(String).join('; ').slice(0, 200)}`;
  } catch {
    // not JSON: no detail
  }
  return '';
}
