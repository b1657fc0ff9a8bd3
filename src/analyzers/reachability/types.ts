/** The names one file uses from one import: exported names, namespace members, `default` for the module itself. */
export interface ImportUse {
  /** npm package name (`lodash`, `@scope/pkg`), Go import path (`golang.org/x/net/html`, `net/http`) or Python module (`yaml`, `jinja2.sandbox`). */
  module: string;
  /** Names used from it: named imports, `ns.member` accesses, a require/import subpath's first segment. */
  names: Set<string>;
  /** Method names called anywhere in the file (`x.Method(`), for advisories naming `Type.Method` (Go). */
  methods: Set<string>;
}
