/** Users (viewer, triager, admin) and their sessions in the UI. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/types.js';
import { writeAudit } from '../store/audit.js';
import { InvalidError } from '../store/errors.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { ROLES, type Principal, type Role } from './scopes.js';

/** How long a session lasts without signing in again. */
export const SESSION_MS = 12 * 3_600_000;

const USER = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Checks a role name. */
export function checkRole(role: string): Role {
  if (!Object.hasOwn(ROLES, role)) throw new InvalidError(`role must be one of ${Object.keys(ROLES).join(', ')}`);
  return role as Role;
}

/** Creates a user (or sets a new password and role for an existing one). */
export async function upsertUser(db: Db, o: { name: string; role: string; password: string; actor: string; now: number }): Promise<void> {
  if (!USER.test(o.name)) throw new InvalidError('a user name is letters, digits, . _ @ -, up to 64 characters');
  const role = checkRole(o.role);
  const problem = passwordProblem(o.password);
  if (problem) throw new InvalidError(problem);
  const hash = await hashPassword(o.password);
  await db.tx(async (t) => {
    const existing = await t.get<{ id: number }>('SELECT id FROM users WHERE name = ?', [o.name]);
    if (existing) await t.run('UPDATE users SET role = ?, password = ?, disabled = 0 WHERE id = ?', [role, hash, existing.id]);
    else await t.run('INSERT INTO users (name, role, password, created_at, disabled) VALUES (?, ?, ?, ?, 0)', [o.name, role, hash, o.now]);
    // A new password ends every session of the user.
    if (existing) await t.run('DELETE FROM sessions WHERE user_id = ?', [existing.id]);
    await writeAudit(t, { at: o.now, actor: o.actor, action: existing ? 'user-update' : 'user-create', detail: { user: o.name, role } });
  });
}

/** Users for the admin page. */
export async function listUsers(db: Db): Promise<{ name: string; role: string; createdAt: number; disabled: boolean }[]> {
  const rows = await db.all<{ name: string; role: string; created_at: number; disabled: number }>('SELECT name, role, created_at, disabled FROM users ORDER BY name');
  return rows.map((r) => ({ name: r.name, role: r.role, createdAt: Number(r.created_at), disabled: Number(r.disabled) === 1 }));
}

/** How many users exist (none: the server asks for the first admin to be made with the CLI). */
export async function userCount(db: Db): Promise<number> {
  return Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0);
}

/** A stored hash of no one's password: checked when the user does not exist, so a wrong name costs as long as a wrong password. */
const NOBODY = 'scrypt$32768$8$1$PbIYbXha8eJPFMZeXMQLYA$m1WcLHctFdKCUj46ZyyjlZts0p3TyddDgyfkKCRZAc8';

/** Checks a name and password; returns the user's id and role, or undefined. */
export async function checkLogin(db: Db, name: string, password: string): Promise<{ id: number; role: Role } | undefined> {
  const row = await db.get<{ id: number; role: Role; password: string; disabled: number }>('SELECT id, role, password, disabled FROM users WHERE name = ?', [name]);
  if (!row) {
    await verifyPassword(password, NOBODY);
    return undefined;
  }
  const ok = await verifyPassword(password, row.password);
  return ok && Number(row.disabled) === 0 ? { id: Number(row.id), role: row.role } : undefined;
}

function sha(v: string): string {
  return createHash('sha256').update(v).digest('hex');
}

/** Starts a session; returns the cookie value (stored only as its hash). */
export async function createSession(db: Db, userId: number, now: number): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.run('DELETE FROM sessions WHERE expires_at < ?', [now]);
  await db.run('INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [sha(id), userId, randomBytes(24).toString('base64url'), now, now + SESSION_MS]);
  return id;
}

/** Ends a session. */
export async function endSession(db: Db, cookie: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id_hash = ?', [sha(cookie)]);
}

/** The signed-in user a session cookie stands for, with the session's CSRF token. */
export async function sessionPrincipal(db: Db, cookie: string, now: number): Promise<Principal | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
  const row = await db.get<{ name: string; role: Role; csrf: string; disabled: number }>(
    'SELECT u.name, u.role, s.csrf, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?',
    [sha(cookie), now],
  );
  if (!row || Number(row.disabled) === 1 || !Object.hasOwn(ROLES, row.role)) return undefined;
  return { kind: 'user', name: row.name, scopes: new Set(ROLES[row.role]), projectId: null, csrf: row.csrf, role: row.role };
}
