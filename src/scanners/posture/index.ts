import type { Parse, RawFinding, Scanner, ScanContext, Target } from '../../core/types.js';
import { readText, targetFiles } from '../../core/types.js';
import { toRuleMeta } from '../../core/rules.js';
import { dockerfileAnalyzer, parseDockerfile } from '../../analyzers/iac/dockerfile.js';
import { checkDockerfile } from '../../analyzers/iac/dockerfile-audit.js';
import { isDockerfile } from '../../analyzers/iac/files.js';
import { get, isMap, entries, yamlAnalyzer } from '../../analyzers/yaml.js';
import type { PostureConfig } from './config.js';
import { POSTURE_RULES } from './rules.js';
import { codeownersCovers } from './codeowners.js';

const SECURITY = /^(?:\.github\/|docs\/)?security(?:\.md|\.markdown|\.txt|\.rst|\.adoc)?$/i;
const CODEOWNERS = /^(?:\.github\/|docs\/|\.gitlab\/)?CODEOWNERS$/;
const DEP_UPDATES = /^(?:\.github\/dependabot\.ya?ml|(?:\.github\/|\.gitlab\/)?renovate\.json5?|\.renovaterc(?:\.json5?)?|renovate\.json5?)$/;
const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const GITLAB = /^\.gitlab-ci\.ya?ml$|^\.gitlab\/ci\/.+\.ya?ml$/;
const SCRIPT = /\.(?:sh|bash)$|(?:^|\/)(?:install|setup|bootstrap)(?:\.sh)?$/;
const BINARY = /\.(?:exe|dll|so(?:\.\d+)*|dylib|jar|war|ear|class|pyc|pyo|o|a|obj|lib|msi|apk|deb|rpm|elf|bin)$/i;
const VENDORED = /(?:^|\/)(?:node_modules|vendor|\.venv|venv|__pycache__|target|build|dist)\//;

/** Manifest file name → lockfiles that satisfy it (in the same folder or an ancestor). */
const LOCKS: Record<string, string[]> = {
  'package.json': ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'],
  Pipfile: ['Pipfile.lock'],
  'pyproject.toml': ['poetry.lock', 'uv.lock', 'pdm.lock'],
  Gemfile: ['Gemfile.lock'],
  'Cargo.toml': ['Cargo.lock'],
  'go.mod': ['go.sum'],
  'composer.json': ['composer.lock'],
};

const TEST_CMD = /\b(?:(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b|npx\s+(?:jest|vitest|mocha|playwright)|pytest|python3?\s+-m\s+(?:pytest|unittest)|go\s+test|cargo\s+(?:test|nextest)|mvn\w*\s+(?:[\w:-]+\s+)*(?:test|verify)\b|gradlew?\s+(?:[\w:-]+\s+)*(?:test|check|build)\b|make\s+(?:test|check)\b|\btox\b|\bnox\b|rspec|rake\s+test|dotnet\s+test|phpunit|ctest|node\s+--test|deno\s+test|swift\s+test|mix\s+test)/;
const SCAN_CMD = /\b(?:pipeguard|codeql|github\/codeql-action|semgrep|trivy|snyk|gitleaks|trufflehog|zizmor|bandit|gosec|govulncheck|osv-scanner|grype|checkov|tfsec|kics|(?:npm|pnpm|yarn)\s+audit|pip-audit|dependency-review-action|scorecard|brakeman|safety\s+check|hadolint|kube-score|kubescape)\b/;

/** The posture scanner: offline repository hygiene checks (security policy, owners, updates, lockfiles, CI). */
export const postureScanner: Scanner<PostureConfig> = {
  id: 'posture',
  title: 'Repository posture: policy files, owners, lockfiles, binaries, CI hygiene',
  requires: ['files'],
  targets: ['directory'],
  rules(config) {
    return toRuleMeta('posture', POSTURE_RULES, { disabled: new Set(config?.disable ?? []) });
  },
  async *scan(target: Target, ctx: ScanContext<PostureConfig>) {
    // The engine gives the validated section; without one, its defaults (written out: the schema is not loaded to run).
    const cfg: PostureConfig = ctx.config ?? { enabled: true, disable: [], securityScanners: [], testCommands: [] };
    const disabled = new Set(cfg.disable);
    const all: string[] = [];
    const wanted = (p: string) =>
      WORKFLOW.test(p) || GITLAB.test(p) || CODEOWNERS.test(p) || Object.hasOwn(LOCKS, base(p)) || ((SCRIPT.test(p) || isDockerfile(p)) && !VENDORED.test(p));
    const texts = new Map<string, string>();
    // Workflows and Dockerfiles are parsed through the scan's analyses, shared with the pipeline and iac scanners.
    const parsers = new Map<string, Parse>();
    for await (const f of targetFiles(target, {
      path: (p) => {
        if (!p.includes('!')) all.push(p);
        return !p.includes('!') && wanted(p);
      },
    })) {
      if (ctx.signal.aborted) return;
      const text = await readText(f, (path, message) => ctx.fileError(path, message));
      if (text === undefined) continue;
      texts.set(f.path, text);
      parsers.set(f.path, ctx.analyses.parser(f));
    }
    ctx.count('files', all.length);
    const out: RawFinding[] = [];
    const def = (id: string) => POSTURE_RULES.find((r) => r.id === id)!;
    const add = (ruleId: string, path: string, identity: string, message: string, line?: number) => {
      if (disabled.has(ruleId)) return;
      const d = def(ruleId);
      out.push({ scanner: 'posture', ruleId, severity: d.severity, confidence: 'high', message, location: { path, ...(line ? { startLine: line, startColumn: 1, endLine: line, endColumn: 1 } : {}) }, identity, ...(d.cwe ? { cwe: d.cwe } : {}) });
    };
    const present = new Set(all);
    const workflows = all.filter((p) => WORKFLOW.test(p));
    const gitlab = all.filter((p) => GITLAB.test(p));
    const ciFiles = [...workflows, ...gitlab];
    // The gate's own policy is as sensitive as the CI definitions: whoever edits it can turn the gate off.
    const policyFiles = all.filter((p) => /^\.?pipeguard\.ya?ml$/.test(p));
    const owned = [...ciFiles, ...policyFiles];

    if (!all.some((p) => SECURITY.test(p))) add('posture-no-security-policy', '.', 'security-policy', 'The repository has no SECURITY.md saying how to report vulnerabilities.');

    const owners = all.filter((p) => CODEOWNERS.test(p));
    if (owners.length === 0) {
      if (owned.length) add('posture-no-codeowners', '.', 'codeowners', 'The repository has no CODEOWNERS file; CI definitions and pipeguard.yml can change without an owner\'s review.');
    } else {
      // GitHub uses the first of .github/, root, docs/.
      const order = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'];
      const file = order.find((p) => present.has(p)) ?? owners[0]!;
      const text = texts.get(file) ?? '';
      const uncovered = owned.filter((p) => !codeownersCovers(text, p));
      if (uncovered.length) add('posture-codeowners-ci-uncovered', file, 'ci-uncovered', `CODEOWNERS names no owner for ${uncovered.slice(0, 3).join(', ')}${uncovered.length > 3 ? ` and ${uncovered.length - 3} more` : ''}.`);
    }

    const manifests = all.filter((p) => Object.hasOwn(LOCKS, base(p)) && !VENDORED.test(p));
    if (manifests.length && !all.some((p) => DEP_UPDATES.test(p)) && !all.some((p) => /(?:^|\/)\.?renovate(?:rc)?(?:\.json5?)?$/.test(p))) {
      add('posture-no-dependency-updates', '.', 'dependency-updates', 'No Dependabot or Renovate configuration: dependency updates depend on someone remembering.');
    }
    for (const m of manifests) {
      const name = base(m);
      const text = texts.get(m) ?? '';
      if (name === 'package.json' && !/"(?:dependencies|devDependencies|optionalDependencies)"\s*:\s*\{\s*"/.test(text)) continue;
      if (name === 'pyproject.toml' && !/^\[tool\.poetry\]|^\[tool\.pdm\]|^\[tool\.uv\]/m.test(text)) continue;
      if (name === 'go.mod' && !/^require\b/m.test(text)) continue;
      if (name === 'Cargo.toml' && /^\[workspace\]/m.test(text) === false && !/^\[dependencies\]/m.test(text)) continue;
      const dirs = ancestors(m);
      const locked = dirs.some((d) => LOCKS[name]!.some((l) => present.has(d ? `${d}/${l}` : l)));
      if (!locked) add('posture-missing-lockfile', m, `lockfile|${m}`, `${m} has no committed lockfile (${LOCKS[name]!.slice(0, 3).join(', ')}...).`);
    }

    for (const p of all) {
      if (BINARY.test(p) && !/(?:^|\/)node_modules\//.test(p)) add('posture-binary-artifact', p, `binary|${p}`, `${p} is a compiled binary committed to the repository.`);
    }

    if (ciFiles.length) {
      let ciText = ciFiles.map((p) => texts.get(p) ?? '').join('\n');
      // Follow repository scripts the CI runs (`bash .ci/run`, `./scripts/test.sh`, `make test`-free wrappers)
      // and root package.json scripts it calls (`npm run ci`), one level deep.
      const refs = new Set<string>();
      for (const m of ciText.matchAll(/(?:\b(?:bash|sh|zsh|source|\.)\s+|(?<![\w/])\.\/)((?:\.?[\w-]+\/)*\.?[\w.-]+)/g)) {
        const rel = m[1]!.replace(/^\.\//, '');
        if (present.has(rel)) refs.add(rel);
      }
      for (const r of refs) {
        if (texts.has(r)) ciText += '\n' + texts.get(r)!;
      }
      const missingRefs = [...refs].filter((r) => !texts.has(r));
      if (missingRefs.length) {
        for await (const f of targetFiles(target, { path: (p) => missingRefs.includes(p) })) {
          try {
            ciText += '\n' + (await f.text());
          } catch {
            // unreadable: the file error of the first pass already says so
          }
        }
      }
      const pkg = texts.get('package.json');
      if (pkg) {
        try {
          const scripts = (JSON.parse(pkg) as { scripts?: Record<string, string> }).scripts ?? {};
          for (const m of ciText.matchAll(/\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?([\w:-]+)/g)) {
            const body = scripts[m[1]!];
            if (typeof body === 'string') ciText += '\n' + body;
          }
        } catch {
          // not JSON: nothing to follow
        }
      }
      const extraTests = cfg.testCommands.some((c) => ciText.includes(c));
      const extraScan = cfg.securityScanners.some((c) => ciText.includes(c));
      if (!TEST_CMD.test(ciText) && !extraTests) add('posture-ci-no-tests', '.', 'ci-tests', 'No CI workflow or job runs a test command.');
      if (!SCAN_CMD.test(ciText) && !extraScan) add('posture-ci-no-security-scan', '.', 'ci-security-scan', 'No CI workflow or job runs a security scanner.');
    }

    for (const w of workflows) {
      const text = texts.get(w);
      if (text === undefined) continue;
      const y = parsers.get(w)!(yamlAnalyzer, w, text);
      if (y.error) {
        ctx.fileError(w, y.error);
        continue;
      }
      const root = y.docs[0]?.contents;
      if (!isMap(root)) continue;
      if (get(root, 'permissions') !== undefined) continue;
      const jobs = entries(get(root, 'jobs'));
      const missing = jobs.filter(([, job]) => get(job, 'permissions') === undefined).map(([n]) => n);
      if (jobs.length === 0 || missing.length) {
        const jobsPair = isMap(root) ? root.items.find((it) => String((it.key as { value?: unknown })?.value) === 'jobs') : undefined;
        const line = jobsPair?.key && (jobsPair.key as { range?: [number, number, number] }).range ? y.lc.linePos((jobsPair.key as { range: [number, number, number] }).range[0]).line : undefined;
        add('posture-workflow-no-permissions', w, `permissions|${w}`, `${w} declares no top-level permissions${missing.length && jobs.length ? ` and jobs ${missing.slice(0, 3).join(', ')} declare none either` : ''}.`, line);
      }
    }

    for (const [p, text] of texts) {
      if (VENDORED.test(p)) continue;
      let hits: { rule: string; line: number; what: string }[] = [];
      if (isDockerfile(p)) {
        hits = checkDockerfile(parsers.get(p)!(dockerfileAnalyzer, p, text))
          .filter((h) => /^docker-(?:base-(?:latest|untagged|no-digest)|\w+-unpinned|npm-global-unpinned|go-install-latest)$/.test(h.rule))
          .map((h) => ({ rule: h.rule, line: h.span.startLine, what: h.message }));
      } else if (SCRIPT.test(p)) {
        const wrapped = `FROM scratch\nRUN <<PIPEGUARD_SCRIPT_END\n${text}\nPIPEGUARD_SCRIPT_END\n`;
        hits = checkDockerfile(parseDockerfile(wrapped))
          .filter((h) => /^docker-(?:\w+-unpinned|npm-global-unpinned|go-install-latest|curl-pipe-shell)$/.test(h.rule))
          .map((h) => ({ rule: h.rule, line: h.span.startLine - 2, what: h.message }));
      } else continue;
      if (hits.length) {
        hits.sort((a, b) => a.line - b.line);
        add('posture-unpinned-dependencies', p, `unpinned|${p}`, `${p} installs ${hits.length} unpinned dependenc${hits.length === 1 ? 'y' : 'ies'}, first: ${hits[0]!.what}`, hits[0]!.line);
      }
    }
    ctx.count('findings', out.length);
    yield* out;
  },
};

function base(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `a/b/c.json` → ['a/b', 'a', '']. */
function ancestors(p: string): string[] {
  const parts = p.split('/').slice(0, -1);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) out.push(parts.slice(0, i).join('/'));
  return out;
}
