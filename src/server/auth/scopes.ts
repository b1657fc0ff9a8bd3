/** What a caller may do: API token scopes, user roles, and the principal a request acts as. */

/** Token scopes. `admin` implies every other. */
export const SCOPES = ['upload', 'read', 'triage', 'admin'] as const;
/** One scope. */
export type Scope = (typeof SCOPES)[number];

/** User roles and the scopes each grants. */
export const ROLES = { viewer: ['read'], triager: ['read', 'triage'], admin: ['read', 'triage', 'upload', 'admin'] } as const satisfies Record<string, readonly Scope[]>;
/** One role. */
export type Role = keyof typeof ROLES;

/** Who a request acts as. */
export interface Principal {
  kind: 'user' | 'token' | 'system';
  /** Shown in the audit trail: `alice`, `token:ci-upload`. */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Set for a token bound to one project: it sees and changes only that project. */
  projectId: number | null;
  /** Set for a user signed in through the UI (CSRF protection applies). */
  csrf?: string;
  role?: Role;
}

/** True when `p` has `scope` (admin has all). */
export function can(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || p.scopes.has('admin');
}

/** Parses a comma-separated scope list; throws a message for an unknown one. */
export function parseScopes(text: string): Scope[] {
  const out = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  if (!out.length) throw new Error(`give at least one scope (${SCOPES.join(', ')})`);
  for (const s of out) if (!(SCOPES as readonly string[]).includes(s)) throw new Error(`unknown scope ${JSON.stringify(s)} (use ${SCOPES.join(', ')})`);
  return out as Scope[];
}
