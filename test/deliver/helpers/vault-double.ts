// A small stand-in for HashiCorp Vault's HTTP API on 127.0.0.1: token and AppRole login, KV version 2 reads,
// policies per token. Real HTTP, the same paths, headers and JSON shapes as Vault.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the double serves. */
export interface VaultDoubleOptions {
  /** KV v2 data by path under mount `secret` (e.g. `app/prod/db`). */
  kv: Record<string, Record<string, string>>;
  /** Token -> path prefixes it may read. */
  tokens: Record<string, string[]>;
  /** AppRole role id -> { secretId, token it gets }. */
  approles?: Record<string, { secretId: string; token: string }>;
}

/** A running double: its address, the requests it saw, and close(). */
export interface VaultDouble {
  address: string;
  requests: { method: string; path: string; token?: string; namespace?: string }[];
  close(): Promise<void>;
}

/** Starts the double on a free loopback port. */
export async function startVaultDouble(o: VaultDoubleOptions): Promise<VaultDouble> {
  const requests: VaultDouble['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const token = req.headers['x-vault-token'] as string | undefined;
      requests.push({ method: req.method ?? '', path, ...(token ? { token } : {}), ...(req.headers['x-vault-namespace'] ? { namespace: String(req.headers['x-vault-namespace']) } : {}) });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const login = /^\/v1\/auth\/approle\/login$/.exec(path);
      if (login && req.method === 'POST') {
        const { role_id, secret_id } = JSON.parse(body || '{}') as { role_id?: string; secret_id?: string };
        const role = role_id ? o.approles?.[role_id] : undefined;
        if (!role || role.secretId !== secret_id) return send(400, { errors: ['invalid role or secret ID'] });
        return send(200, { auth: { client_token: role.token, lease_duration: 3600, renewable: true, policies: ['default'] } });
      }
      const kv = /^\/v1\/secret\/data\/(.+)$/.exec(path);
      if (kv && req.method === 'GET') {
        const allowed = token ? o.tokens[token] : undefined;
        if (!allowed) return send(403, { errors: ['permission denied'] });
        const p = kv[1]!;
        if (!allowed.some((prefix) => p.startsWith(prefix))) return send(403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] });
        const data = o.kv[p];
        if (!data) return send(404, { errors: [] });
        return send(200, { request_id: 'x', lease_duration: 0, data: { data, metadata: { version: 3, created_time: '2026-01-01T00:00:00Z' } } });
      }
      send(404, { errors: ['no handler for route'] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { address: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
