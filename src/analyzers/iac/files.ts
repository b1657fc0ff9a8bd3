/** Which files the iac and exposure scanners read, decided from the path alone. */

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Dockerfile, Containerfile, Dockerfile.prod, app.dockerfile. */
export function isDockerfile(p: string): boolean {
  const b = base(p);
  if (/\.(?:dockerfile|containerfile)$/i.test(b)) return true;
  // Dockerfile.prod, Containerfile.arm64, but not the source or docs of a Dockerfile tool (dockerfile.ts, .md).
  return /^(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$/i.test(b) && !NOT_DOCKERFILE_EXT.test(b);
}

/** Extensions that make `dockerfile.<ext>` a program, document or data file, never a Dockerfile. */
const NOT_DOCKERFILE_EXT = /\.(?:[cm]?[jt]sx?|py|go|rb|rs|java|kt|php|cs|c|cc|cpp|h|sh|bash|ps1|md|mdx|rst|txt|adoc|html?|json|ya?ml|toml|xml|snap|map|lock|swp)$/i;

/** compose.yml, docker-compose.yml, docker-compose.prod.yaml, compose.override.yml. */
export function isComposeFile(p: string): boolean {
  return /^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/i.test(base(p));
}

/** YAML/JSON files that may hold Kubernetes manifests (content is checked after reading). */
export function isManifestCandidate(p: string): boolean {
  if (!/\.(?:ya?ml|json)$/i.test(p)) return false;
  if (isComposeFile(p)) return false;
  if (/(?:^|\/)\.github\/(?:workflows|actions)\//.test(p) || /(?:^|\/)\.gitlab-ci\.ya?ml$/.test(p)) return false;
  if (/(?:^|\/)(?:node_modules|vendor)\//.test(p)) return false;
  const b = base(p);
  if (/^(?:package(?:-lock)?|tsconfig.*|composer|\.eslintrc|pnpm-lock|yarn\.lock|renovate|dependabot|pipeguard|Chart|values(?:[.-][\w-]+)?)\.(?:ya?ml|json)$/i.test(b)) return false;
  return true;
}

/** Cheap content test before YAML parsing: `apiVersion:` and `kind:` appear at a line start (or as JSON keys). */
export function looksLikeManifest(text: string): boolean {
  return (/^\s*(?:-\s+)?apiVersion\s*:/m.test(text) && /^\s*(?:-\s+)?kind\s*:/m.test(text)) || (/"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text));
}

/** Terraform files. */
export function isTerraform(p: string): boolean {
  return /\.tf$/i.test(p) && !/(?:^|\/)\.terraform\//.test(p);
}

/** True when the file is a Helm chart template that still holds `{{ }}` directives (not rendered YAML). */
export function isUnrenderedTemplate(p: string, text: string): boolean {
  return /(?:^|\/)templates\//.test(p) && /\{\{/.test(text);
}
