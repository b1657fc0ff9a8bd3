/**
 * The auth file (`--auth auth.yml`): the users the scan signs in as (the first is the default, the second is the
 * other user of the BOLA checks), how each signs in (static headers and cookies, a form or JSON login with token
 * extraction, a browser login), and how to tell signed in from signed out. `${VAR}` is read from the environment,
 * so passwords stay out of the file.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { InputError } from '../../../core/errors.js';
import { issueMessage } from '../../../core/issues.js';

const strMap = z.record(z.string(), z.string());

const tokenSchema = z
  .object({
    from: z.enum(['body', 'header', 'cookie']).describe('Where the login answer carries the token.'),
    path: z.string().optional().describe('body: dotted JSON path (`data.token`); header: the header name; cookie: the cookie name.'),
    regex: z.string().optional().describe('body: a regex whose first group is the token (instead of path).'),
  })
  .strict();

const useSchema = z
  .object({
    header: z.string().optional().describe('Send the token in this header (default Authorization).'),
    prefix: z.string().optional().describe('Before the token in the header (default "Bearer ").'),
    cookie: z.string().optional().describe('Send the token as this cookie instead.'),
  })
  .strict();

const loginSchema = z
  .object({
    url: z.string().describe('Login URL or path.'),
    method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
    json: z.record(z.string(), z.unknown()).optional().describe('JSON body.'),
    form: strMap.optional().describe('Form fields (application/x-www-form-urlencoded).'),
    headers: strMap.default({}),
    token: tokenSchema.optional().describe('Where the token is; without it, the cookies the login sets are the session.'),
    use: useSchema.default({}),
  })
  .strict()
  .refine((l) => !(l.json && l.form), 'give json or form, not both');

const browserLoginSchema = z
  .object({
    url: z.string().describe('Page with the login form.'),
    fill: strMap.describe('CSS selector -> value typed into it.'),
    submit: z.string().describe('CSS selector of the button to click.'),
    localStorage: z.string().optional().describe('localStorage key holding a token to send as Authorization: Bearer.'),
    use: useSchema.default({}),
    wait: z.string().optional().describe('URL path the browser reaches once signed in.'),
  })
  .strict();

const userSchema = z
  .object({
    name: z.string().min(1),
    headers: strMap.default({}),
    cookies: strMap.default({}),
    login: loginSchema.optional(),
    browser: browserLoginSchema.optional(),
  })
  .strict();

const checkSchema = z
  .object({
    url: z.string().describe('A page only a signed-in user sees (checked at start and every `every` requests).'),
    status: z.union([z.number().int(), z.array(z.number().int())]).default(200),
    contains: z.string().optional().describe('Regex the body must match when signed in.'),
    every: z.number().int().positive().default(200),
  })
  .strict();

const outSchema = z
  .object({
    status: z.array(z.number().int()).default([401]).describe('Statuses that mean signed out.'),
    contains: z.string().optional().describe('Regex of a body that means signed out.'),
    redirect: z.string().optional().describe('A redirect to a URL containing this means signed out (`/login`).'),
  })
  .strict();

/** The auth file's schema. */
export const authFileSchema = z
  .object({
    users: z.array(userSchema).min(1).max(10),
    loggedIn: checkSchema.optional(),
    loggedOut: outSchema.prefault({}),
    maxRelogins: z.number().int().min(0).max(100).default(10).describe('Sign-ins again per user before the scan fails.'),
  })
  .strict();

/** A validated auth file. */
export type AuthFile = z.infer<typeof authFileSchema>;
/** One user of the auth file. */
export type AuthUser = AuthFile['users'][number];

/** Reads, substitutes `${VAR}`s and validates an auth file; errors name the file and line. */
export function loadAuthFile(path: string, env: Record<string, string | undefined>, displayName = path): AuthFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read auth file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, displayName);
  }
  return parseAuthFile(text, env, displayName);
}

/** {@link loadAuthFile} on text. */
export function parseAuthFile(text: string, env: Record<string, string | undefined>, name: string): AuthFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) throw new InputError(`invalid YAML: ${err.message.split('\n')[0]}`, name, lc.linePos(err.pos[0]).line);
  let missing: string | undefined;
  const data = substitute(doc.toJS(), env, (v) => (missing ??= v));
  if (missing) throw new InputError(`environment variable ${missing} is not set`, name);
  const parsed = authFileSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key is shown where it is written.
    const keys = (issue as { keys?: string[] }).keys;
    const at = [...issue.path, ...(issue.code === 'unrecognized_keys' && keys?.length ? [keys[0]!] : [])] as (string | number)[];
    const node = (doc.getIn(at, true) ?? doc.getIn(issue.path as (string | number)[], true)) as { range?: [number, number] } | undefined;
    const line = node?.range ? lc.linePos(node.range[0]).line : undefined;
    throw new InputError(`${issue.path.join('.')}${issue.path.length ? ': ' : ''}${issueMessage(issue, data ?? {})}`, name, line);
  }
  const names = new Set<string>();
  for (const u of parsed.data.users) {
    if (names.has(u.name)) throw new InputError(`users: ${u.name} is listed twice`, name);
    names.add(u.name);
  }
  for (const re of [parsed.data.loggedIn?.contains, parsed.data.loggedOut.contains, ...parsed.data.users.map((u) => u.login?.token?.regex)]) {
    if (re === undefined) continue;
    try {
      new RegExp(re);
    } catch (e) {
      throw new InputError(`invalid regex ${JSON.stringify(re)}: ${(e as Error).message}`, name);
    }
  }
  return parsed.data;
}

function substitute(v: unknown, env: Record<string, string | undefined>, onMissing: (name: string) => void): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, n: string) => {
      const x = env[n];
      if (x === undefined) onMissing(n);
      return x ?? '';
    });
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, env, onMissing));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, env, onMissing)]));
  return v;
}
