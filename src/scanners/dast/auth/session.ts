/**
 * Signed-in sessions for the users of the auth file: a cookie jar and a token per user, sign-in by static
 * headers/cookies, a form or JSON login (token taken from the body, a header or a cookie) or a browser login;
 * signed-out answers noticed on every response, sign-in again (a bounded number of times), and a periodic
 * logged-in check. A session that cannot be restored stops the scan (ScanStop `auth-lost`): an expired login
 * never yields a green scan that tested nothing.
 */
import type { Redactor } from '../evidence.js';
import { header, headerAll, ScanStop, type Credentials, type HttpClient, type Res } from '../http/client.js';
import type { AuthFile, AuthUser } from './file.js';

/** Signs a user in through a browser: the cookies it ends with, and a token from localStorage when asked. */
export type BrowserLogin = (user: AuthUser, origin: string) => Promise<{ cookies: Record<string, string>; token?: string }>;

interface State {
  user: AuthUser;
  jar: Map<string, string>;
  token?: string;
  relogins: number;
  signing?: Promise<void>;
  sinceCheck: number;
  checking?: Promise<boolean>;
  /** When the logged-in check last passed (performance.now()). */
  lastOk: number;
}

/** {@link Credentials} from an auth file (or none: anonymous only). */
export class Sessions implements Credentials {
  private readonly states = new Map<string, State>();
  private readonly anonymous = new Map<string, string>();
  /** Sign-ins done, for the status. */
  logins = 0;

  constructor(
    private readonly file: AuthFile | undefined,
    private readonly redactor: Redactor,
    private readonly browserLogin?: BrowserLogin,
  ) {
    for (const u of file?.users ?? []) {
      this.states.set(u.name, { user: u, jar: new Map(Object.entries(u.cookies)), relogins: 0, sinceCheck: 0, lastOk: 0 });
      for (const v of Object.values(u.headers)) redactor.add(v.replace(/^\w+\s+/, ''));
      for (const v of Object.values(u.cookies)) redactor.add(v);
      for (const v of Object.values(u.login?.form ?? {})) if (looksSecret(v)) redactor.add(v);
      for (const [k, v] of Object.entries(u.login?.json ?? {})) if (/pass|secret|token|key/i.test(k) && typeof v === 'string') redactor.add(v);
      for (const [k, v] of Object.entries(u.login?.form ?? {})) if (/pass|secret|token|key/i.test(k)) redactor.add(v);
      for (const [k, v] of Object.entries(u.browser?.fill ?? {})) if (/pass/i.test(k)) redactor.add(v);
    }
  }

  users(): string[] {
    return [...this.states.keys()];
  }

  /** The session token of `user`, when its login gave one (JWT checks read it). */
  token(user: string): string | undefined {
    return this.states.get(user)?.token;
  }

  /** The auth file's login request of the first user that has one (the rate-limit check targets it). */
  loginOf(user?: string): AuthUser['login'] | undefined {
    if (user) return this.states.get(user)?.user.login;
    for (const s of this.states.values()) if (s.user.login) return s.user.login;
    return undefined;
  }

  headers(user: string | null): Record<string, string> {
    if (user === null) return this.anonymous.size ? { cookie: cookieHeader(this.anonymous) } : {};
    const s = this.states.get(user);
    if (!s) return {};
    const out: Record<string, string> = { ...s.user.headers };
    const use = s.user.login?.use ?? s.user.browser?.use ?? {};
    const jar = new Map(s.jar);
    if (s.token !== undefined) {
      if (use.cookie) jar.set(use.cookie, s.token);
      else out[use.header ?? 'authorization'] = `${use.prefix ?? 'Bearer '}${s.token}`;
    }
    if (jar.size) out.cookie = cookieHeader(jar);
    return out;
  }

  observe(user: string | null, res: Res): void {
    const jar = user === null ? this.anonymous : this.states.get(user)?.jar;
    if (!jar) return;
    for (const c of headerAll(res.headers, 'set-cookie')) {
      const m = /^\s*([^=;\s]+)=([^;]*)/.exec(c);
      if (!m) continue;
      const expired = /;\s*max-age=(0|-\d+)/i.test(c) || /;\s*expires=([^;]+)/i.test(c) && Date.parse(/;\s*expires=([^;]+)/i.exec(c)![1]!) < Date.now();
      if (expired || m[2] === '') jar.delete(m[1]!);
      else {
        jar.set(m[1]!, m[2]!);
        if (user !== null) this.redactor.add(m[2]);
      }
    }
  }

  loggedOut(user: string, res: Res): boolean {
    const out = this.file?.loggedOut;
    if (!out || !this.states.has(user)) return false;
    if (out.status.includes(res.status)) return true;
    if (out.contains && new RegExp(out.contains).test(res.body)) return true;
    const loc = header(res.headers, 'location');
    if (out.redirect && res.status >= 300 && res.status < 400 && loc?.includes(out.redirect)) return true;
    return false;
  }

  /** Signs every user in, then checks each is signed in. Throws ScanStop `auth-lost` when one cannot. */
  async start(client: HttpClient): Promise<void> {
    for (const s of this.states.values()) {
      await this.signIn(s, client);
      await this.verify(s, client, false);
    }
  }

  async relogin(user: string, client: HttpClient): Promise<void> {
    const s = this.states.get(user);
    if (!s) return;
    s.signing ??= (async () => {
      if (s.relogins >= (this.file?.maxRelogins ?? 10)) {
        throw new ScanStop('auth-lost', `authentication of ${user} lost again after ${s.relogins} sign-ins (maxRelogins)`);
      }
      s.relogins++;
      await this.signIn(s, client);
      await this.verify(s, client, true);
      s.lastOk = performance.now();
    })().finally(() => {
      s.signing = undefined;
    });
    await s.signing;
  }

  async restore(user: string, client: HttpClient): Promise<boolean> {
    const s = this.states.get(user);
    if (!s) return false;
    if (this.file?.loggedIn) {
      // One check at a time, and none again within a second of a good one.
      if (performance.now() - s.lastOk < 1000) return false;
      s.checking ??= this.isSignedIn(s, client)
        .then((ok) => {
          if (ok) s.lastOk = performance.now();
          return ok;
        })
        .finally(() => {
          s.checking = undefined;
        });
      if (await s.checking) return false;
    }
    await this.relogin(user, client);
    return true;
  }

  /** The periodic logged-in check: every `loggedIn.every` requests as the user. */
  async tick(user: string | null, client: HttpClient): Promise<void> {
    const check = this.file?.loggedIn;
    const s = user === null ? undefined : this.states.get(user);
    if (!check || !s) return;
    if (++s.sinceCheck < check.every) return;
    s.sinceCheck = 0;
    if (await this.isSignedIn(s, client)) s.lastOk = performance.now();
    else await this.relogin(s.user.name, client);
  }

  private async verify(s: State, client: HttpClient, again: boolean): Promise<void> {
    if (!this.file?.loggedIn) return;
    if (!(await this.isSignedIn(s, client))) {
      throw new ScanStop(
        'auth-lost',
        again
          ? `authentication of ${s.user.name} lost and not regained: ${this.file.loggedIn.url} still answers as signed out after signing in again`
          : `cannot sign in as ${s.user.name}: ${this.file.loggedIn.url} answers as signed out after the login`,
      );
    }
  }

  private async isSignedIn(s: State, client: HttpClient): Promise<boolean> {
    const check = this.file!.loggedIn!;
    const res = await client.send({ method: 'GET', url: client.url(check.url), as: null, headers: this.headers(s.user.name), quiet: true });
    const statuses = Array.isArray(check.status) ? check.status : [check.status];
    if (!statuses.includes(res.status)) return false;
    if (check.contains && !new RegExp(check.contains).test(res.body)) return false;
    return !this.loggedOut(s.user.name, res);
  }

  private async signIn(s: State, client: HttpClient): Promise<void> {
    const u = s.user;
    if (u.browser) {
      if (!this.browserLogin) throw new ScanStop('auth-lost', `user ${u.name} signs in with a browser: run with --browser`);
      let got: { cookies: Record<string, string>; token?: string };
      try {
        got = await this.browserLogin(u, client.origin);
      } catch (e) {
        throw new ScanStop('auth-lost', `browser sign-in of ${u.name} failed: ${(e as Error).message.split('\n')[0]}`);
      }
      for (const [k, v] of Object.entries(got.cookies)) {
        s.jar.set(k, v);
        this.redactor.add(v);
      }
      if (got.token) {
        s.token = got.token;
        this.redactor.add(got.token);
      }
      this.logins++;
      return;
    }
    const l = u.login;
    if (!l) return;
    const headers: Record<string, string> = { ...l.headers };
    let body: string | undefined;
    if (l.json) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(l.json);
    } else if (l.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(l.form).toString();
    }
    // Cookies of the old session are dropped: the login sets new ones.
    if (!l.token) for (const k of [...s.jar.keys()]) if (!(k in u.cookies)) s.jar.delete(k);
    const res = await client.send({ method: l.method, url: client.url(l.url), headers, ...(body !== undefined ? { body } : {}), login: u.name, quiet: true, follow: false });
    this.logins++;
    if (res.status >= 400) throw new ScanStop('auth-lost', `cannot sign in as ${u.name}: ${l.method} ${l.url} answered ${res.status}`);
    if (l.token) {
      const token = extractToken(res, l.token);
      if (!token) throw new ScanStop('auth-lost', `cannot sign in as ${u.name}: no token at ${l.token.from} ${l.token.path ?? l.token.regex ?? ''} in the login answer`);
      s.token = token;
      this.redactor.add(token);
    }
  }
}

function extractToken(res: Res, t: NonNullable<NonNullable<AuthUser['login']>['token']>): string | undefined {
  if (t.from === 'header') {
    const v = header(res.headers, t.path ?? 'authorization');
    return v?.replace(/^Bearer\s+/i, '');
  }
  if (t.from === 'cookie') {
    for (const c of headerAll(res.headers, 'set-cookie')) {
      const m = /^\s*([^=;\s]+)=([^;]*)/.exec(c);
      if (m && m[1] === t.path) return m[2];
    }
    return undefined;
  }
  if (t.regex) return new RegExp(t.regex).exec(res.body)?.[1];
  try {
    let cur: unknown = JSON.parse(res.body);
    for (const k of (t.path ?? 'token').split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
    return typeof cur === 'string' ? cur : undefined;
  } catch {
    return undefined;
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

function looksSecret(v: string): boolean {
  return v.length >= 8 && /\d/.test(v) && /[a-zA-Z]/.test(v);
}
