/** The loaded threat model: the validated file with ids resolved, defaults filled in, and the line of every part. */
import type { AcceptedSpec, CheckSpec, ElementSpec, FlowSpec } from './schema.js';
import type { Classification } from './levels.js';

/** A trust boundary. */
export interface Boundary {
  id: string;
  title: string;
  description?: string;
  trust: 'untrusted' | 'internal' | 'restricted';
  parent?: string;
  line: number;
}

/** A process, data store or external entity. */
export interface Element extends Omit<ElementSpec, 'custom' | 'title'> {
  id: string;
  title: string;
  custom: boolean;
  line: number;
}

/** A data flow. */
export interface Flow extends Omit<FlowSpec, 'id' | 'encrypted' | 'title'> {
  id: string;
  title: string;
  encrypted: boolean;
  line: number;
}

/** An asset. */
export interface Asset {
  id: string;
  title: string;
  description?: string;
  classification: Classification;
  credentials: boolean;
  pii: boolean;
  line: number;
}

/** A control declared in the model. */
export interface Control {
  id: string;
  title: string;
  description?: string;
  mitigates: string[];
  elements?: string[];
  checks: CheckSpec[];
  evidence?: string;
  expires?: string;
  line: number;
}

/** An accepted risk. */
export interface Accepted extends AcceptedSpec {
  line: number;
}

/** A whole threat model. */
export interface Model {
  /** The model file as shown in messages and findings (relative to the repository root where possible). */
  file: string;
  title: string;
  description?: string;
  boundaries: Map<string, Boundary>;
  elements: Map<string, Element>;
  flows: Flow[];
  assets: Map<string, Asset>;
  assumptions: string[];
  controls: Control[];
  accepted: Accepted[];
  /** The line of a key path in the file (`['elements', 'web', 'routes', 0]`), or of its closest parent. */
  lineOf(path: (string | number)[]): number | undefined;
}
