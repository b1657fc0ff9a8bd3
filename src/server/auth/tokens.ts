/**
 * API tokens: `pgt_` and 32 random bytes (base64url), shown once when created and stored as their SHA-256
 * (a token is random, so a fast hash is enough; a password is not, and gets scrypt). A token has scopes and
 * may be bound to one project.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/types.js';
import { writeAudit } from '../store/audit.js';
import { NotFoundError } from '../store/errors.js';
import type { Principal, Scope } from './scopes.js';

/** What a token looks like: used to tell a token from a password and to find leaked ones. */
export const TOKEN_PATTERN = /^pgt_[A-Za-z0-9_-]{43}$/;

/** SHA-256 of a token, as stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A stored token's public facts (never the token). */
export interface TokenInfo {
  id: number;
  name: string;
  project: string | null;
  scopes: Scope[];
  prefix: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Creates a token; returns it (the only time it exists in clear) and its id. */
export async function createToken(db: Db, o: { name: string; projectId: number | null; scopes: Scope[]; actor: string; now: number }): Promise<{ id: number; token: string }> {
  const token = `pgt_${randomBytes(32).toString('base64url')}`;
  const id = await db.tx(async (t) => {
    const row = await t.get<{ id: number }>(
      'INSERT INTO tokens (name, project_id, scopes, hash, prefix, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [o.name, o.projectId, o.scopes.join(','), tokenHash(token), token.slice(0, 8), o.actor, o.now],
    );
    await writeAudit(t, { at: o.now, actor: o.actor, action: 'token-create', projectId: o.projectId, detail: { id: Number(row!.id), name: o.name, scopes: o.scopes } });
    return Number(row!.id);
  });
  return { id, token };
}

/** Every token (revoked ones too), newest first. */
export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const rows = await db.all<Record<string, unknown>>(
    'SELECT t.id, t.name, p.name AS project, t.scopes, t.prefix, t.created_by, t.created_at, t.last_used_at, t.revoked_at FROM tokens t LEFT JOIN projects p ON p.id = t.project_id ORDER BY t.id DESC',
  );
  return rows.map((r) => ({
    id: Number(r['id']),
    name: String(r['name']),
    project: (r['project'] as string | null) ?? null,
    scopes: String(r['scopes']).split(',') as Scope[],
    prefix: String(r['prefix']),
    createdBy: String(r['created_by']),
    createdAt: Number(r['created_at']),
    lastUsedAt: r['last_used_at'] === null ? null : Number(r['last_used_at']),
    revokedAt: r['revoked_at'] === null ? null : Number(r['revoked_at']),
  }));
}

/** Revokes a token. */
export async function revokeToken(db: Db, id: number, actor: string, now: number): Promise<void> {
  await db.tx(async (t) => {
    const n = await t.run('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
    if (!n) throw new NotFoundError(`no active token ${id}`);
    await writeAudit(t, { at: now, actor, action: 'token-revoke', detail: { id } });
  });
}

/** The principal a bearer token acts as, or undefined when it is unknown or revoked. */
export async function tokenPrincipal(db: Db, token: string, now: number): Promise<Principal | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const row = await db.get<{ id: number; name: string; project_id: number | null; scopes: string; last_used_at: number | null }>(
    'SELECT id, name, project_id, scopes, last_used_at FROM tokens WHERE hash = ? AND revoked_at IS NULL',
    [tokenHash(token)],
  );
  if (!row) return undefined;
  // Last use is kept to the minute: no write on every request.
  if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000) await db.run('UPDATE tokens SET last_used_at = ? WHERE id = ?', [now, row.id]);
  return {
    kind: 'token',
    name: `token:${row.name}`,
    scopes: new Set(row.scopes.split(',') as Scope[]),
    projectId: row.project_id === null ? null : Number(row.project_id),
  };
}
