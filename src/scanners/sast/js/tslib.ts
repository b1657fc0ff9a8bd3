import { loadTypeScript } from './ts-load.js';

/**
 * The TypeScript compiler API, loaded with the module that imports this one (see `ts-load.ts`). Only modules that
 * a scan loads once it has JS/TS files to analyse import it: the scanner's entry (`index.ts`) must not, so a scan
 * without JavaScript never loads the compiler.
 */
const ts = loadTypeScript();
export default ts;
