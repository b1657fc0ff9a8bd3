/**
 * Rate limiting on login: a bounded run of failed logins (wrong password) as fast as the client's pacing allows;
 * if none is refused, slowed down, locked or challenged, the login can be brute-forced. Runs last (a lockout it
 * triggers must not end the scan's own session).
 */
import type { DastRun } from '../context.js';
import { header, type Req, type Res } from '../http/client.js';

const LIMITED = /too many|rate limit|rate-limit|locked|lockout|captcha|try again later|temporarily (blocked|unavailable|disabled)|slow down/i;

/** A login request: where it goes and how to fill in a wrong password. */
export interface LoginForm {
  url: string;
  method: string;
  pathTemplate: string;
  /** The request with the given password. */
  request(password: string): Req;
}

/** The rate-limit check on one login form. */
export async function checkLoginRateLimit(run: DastRun, login: LoginForm | undefined): Promise<void> {
  if (!login || !run.enabled('dast-no-login-rate-limit')) return;
  const n = run.config.rateLimit.attempts;
  const answers: Res[] = [];
  for (let i = 0; i < n; i++) {
    const res = await run.send({ ...login.request(`pg-wrong-${i}-${Math.random().toString(36).slice(2, 8)}`), as: null, quiet: true });
    if (!res) return;
    answers.push(res);
    if (res.status === 429 || res.status === 423 || res.status === 503 || header(res.headers, 'retry-after') || LIMITED.test(res.body)) return;
  }
  const fails = answers.filter((r) => r.status >= 500).length;
  if (fails > n / 2) return;
  const first = answers.slice(0, 3).reduce((a, r) => a + r.elapsedMs, 0) / 3;
  const last = answers.slice(-3).reduce((a, r) => a + r.elapsedMs, 0) / 3;
  if (last > first * 3 + 1000) return;
  run.report('dast-no-login-rate-limit', {
    url: login.url,
    method: login.method,
    pathTemplate: login.pathTemplate,
    message: `${login.method} ${login.pathTemplate} answered ${n} failed logins in a row without refusing, locking or slowing down.`,
    res: answers[answers.length - 1]!,
    data: { attempts: n, statuses: [...new Set(answers.map((r) => r.status))] },
  });
}
