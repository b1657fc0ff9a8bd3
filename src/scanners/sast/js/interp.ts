import ts from './tslib.js';
import type * as TS from 'typescript';
import { isFunctionLike } from './scope.js';
import { StatementExecutor } from './statements.js';

/**
 * The inter-procedural, inter-file taint interpreter. It walks each function once in statement order with an
 * abstract environment (variables and access paths → `Val`), records a summary per function
 * (parameter → sink, parameter/source → return), and applies summaries at call sites resolved through
 * imports, `require`, classes and closures. Recursion is cut by treating a function under analysis as unknown.
 *
 * Each concern is its own layer (see `base.ts`); this class only drives the run.
 */
export class Analyser extends StatementExecutor {
  /** Analyses every file: module code first (which follows route registrations), then every function not reached. */
  run(): void {
    const paths = [...this.files.keys()].sort();
    for (const p of paths) {
      if (this.opts.signal?.aborted) return;
      this.evalModule(this.files.get(p)!);
    }
    for (const p of paths) {
      if (this.opts.signal?.aborted) return;
      const fs = this.files.get(p)!;
      const visit = (n: TS.Node): void => {
        if (isFunctionLike(n) && n.body && !this.summaries.has(n)) {
          const cls = ts.isClassLike(n.parent) ? this.classInfo(n.parent, fs.scope) : undefined;
          this.summary({ node: n, file: fs.unit.path, closure: fs.scope, ...(cls ? { thisCls: cls } : {}) });
        }
        ts.forEachChild(n, visit);
      };
      visit(fs.unit.sf);
    }
  }
}
