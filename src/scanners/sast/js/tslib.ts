import { createRequire } from 'node:module';

/**
 * The TypeScript compiler API, loaded through `require`: importing the 9 MB CommonJS bundle from ESM makes Node
 * lex it for named exports first, which costs about a second at start-up.
 */
const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
export default ts;
