/** The DAST scanner's entry: the scanner, and the duration syntax its options take. */
import type { Scanner } from '../../core/types.js';
import type { DastConfig } from './config.js';
import { DAST_TITLE, dastRules } from './rules.js';

export { isDuration } from './duration.js';

/** The DAST scanner: its checks (scanner.ts, with the HTTP client and every check) load when it runs. */
export const dastScanner: Scanner<DastConfig> = {
  id: 'dast',
  title: DAST_TITLE,
  requires: ['http'],
  rules: dastRules,
  async *scan(target, ctx) {
    yield* (await import('./scanner.js')).scanDast(target, ctx);
  },
};
