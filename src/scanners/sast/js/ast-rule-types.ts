import type * as TS from 'typescript';
import type { Confidence, Severity } from '../../../core/types.js';

/** A structural (non-taint) rule on the TypeScript AST. */
export interface AstRule {
  id: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  cwe: string[];
  help: string;
  /** The node kinds the rule looks at (it is only called for those). */
  kinds: TS.SyntaxKind[];
  /** For calls: the callee's last name must be one of these (a cheap pre-filter before the rule runs). */
  callNames?: Set<string>;
  /** Called for every node of those kinds; reports through `report`. */
  visit(node: TS.Node, f: FileFacts, report: (node: TS.Node, message: string) => void): void;
}

/** Facts about a whole file that several rules need (computed once). */
export interface FileFacts {
  sf: TS.SourceFile;
  text: string;
  imports: Set<string>;
  hasJwtVerify: boolean;
}
