/**
 * The server's schema as versioned migrations, one SQL text for both databases. `{{id}}` and `{{int}}` are
 * written per dialect (an auto-numbered primary key; a 64-bit integer); `{{pattern_ops}}` makes a text index serve
 * LIKE prefixes on PostgreSQL (SQLite's does with case-sensitive LIKE). Times are epoch milliseconds, JSON is
 * text. A migration is never edited once released: a change is a new entry at the end.
 */

/** One step of the schema. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projects, runs, findings, triage, auth, audit',
    sql: `
CREATE TABLE projects (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  created_at {{int}} NOT NULL
);
CREATE TABLE runs (
  id {{id}},
  project_id {{int}} NOT NULL REFERENCES projects(id),
  run_key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  format TEXT NOT NULL,
  tool TEXT NOT NULL,
  target TEXT,
  commit_sha TEXT,
  branch TEXT,
  started_at {{int}},
  finished_at {{int}},
  received_at {{int}} NOT NULL,
  scope TEXT NOT NULL,
  total {{int}} NOT NULL,
  new_count {{int}} NOT NULL,
  unchanged_count {{int}} NOT NULL,
  reintroduced_count {{int}} NOT NULL,
  fixed_count {{int}} NOT NULL,
  uploaded_by TEXT,
  UNIQUE (project_id, run_key)
);
CREATE INDEX runs_project ON runs (project_id, id);
CREATE TABLE findings (
  id {{id}},
  project_id {{int}} NOT NULL REFERENCES projects(id),
  fingerprint TEXT NOT NULL,
  scanner TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  sev {{int}} NOT NULL,
  message TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  line {{int}},
  location TEXT NOT NULL,
  detail TEXT NOT NULL,
  package TEXT,
  version TEXT,
  purl TEXT,
  state TEXT NOT NULL,
  triage TEXT NOT NULL,
  triage_reason TEXT,
  triage_expires {{int}},
  triage_by TEXT,
  triage_at {{int}},
  suppressed TEXT,
  first_seen_at {{int}} NOT NULL,
  first_run_id {{int}} NOT NULL,
  last_seen_at {{int}} NOT NULL,
  last_run_id {{int}} NOT NULL,
  opened_at {{int}} NOT NULL,
  fixed_at {{int}},
  due_at {{int}},
  reopened {{int}} NOT NULL,
  UNIQUE (project_id, fingerprint)
);
CREATE INDEX findings_project_list ON findings (project_id, state, sev, id);
CREATE INDEX findings_list ON findings (state, sev, id);
CREATE INDEX findings_package ON findings (package, version);
CREATE INDEX findings_triage ON findings (triage, triage_expires);
CREATE INDEX findings_due ON findings (state, due_at);
CREATE TABLE finding_aliases (
  finding_id {{int}} NOT NULL REFERENCES findings(id),
  alias TEXT NOT NULL,
  PRIMARY KEY (finding_id, alias)
);
CREATE INDEX finding_aliases_alias ON finding_aliases (alias);
CREATE TABLE run_findings (
  run_id {{int}} NOT NULL REFERENCES runs(id),
  finding_id {{int}} NOT NULL REFERENCES findings(id),
  change TEXT NOT NULL,
  PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX run_findings_finding ON run_findings (finding_id);
CREATE TABLE snapshots (
  id {{id}},
  project_id {{int}} NOT NULL REFERENCES projects(id),
  run_id {{int}} NOT NULL REFERENCES runs(id),
  at {{int}} NOT NULL,
  critical {{int}} NOT NULL,
  high {{int}} NOT NULL,
  medium {{int}} NOT NULL,
  low {{int}} NOT NULL,
  info {{int}} NOT NULL
);
CREATE INDEX snapshots_project ON snapshots (project_id, at);
CREATE TABLE components (
  id {{id}},
  project_id {{int}} NOT NULL REFERENCES projects(id),
  run_id {{int}} NOT NULL REFERENCES runs(id),
  name TEXT NOT NULL,
  version TEXT,
  purl TEXT,
  ecosystem TEXT
);
CREATE INDEX components_name ON components (name, version);
CREATE INDEX components_project ON components (project_id);
CREATE TABLE rules (
  scanner TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  title TEXT,
  help TEXT,
  help_uri TEXT,
  PRIMARY KEY (scanner, rule_id)
);
CREATE TABLE sla (
  severity TEXT PRIMARY KEY,
  days {{int}}
);
INSERT INTO sla (severity, days) VALUES ('critical', 7), ('high', 30), ('medium', 90), ('low', 120), ('info', NULL);
CREATE TABLE users (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password TEXT NOT NULL,
  created_at {{int}} NOT NULL,
  disabled {{int}} NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id {{int}} NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at {{int}} NOT NULL,
  expires_at {{int}} NOT NULL
);
CREATE TABLE tokens (
  id {{id}},
  name TEXT NOT NULL,
  project_id {{int}} REFERENCES projects(id),
  scopes TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at {{int}} NOT NULL,
  last_used_at {{int}},
  revoked_at {{int}}
);
CREATE TABLE audit (
  id {{id}},
  at {{int}} NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  project_id {{int}},
  finding_id {{int}},
  detail TEXT NOT NULL
);
CREATE INDEX audit_finding ON audit (finding_id, id);
CREATE INDEX audit_at ON audit (id);
`,
  },
  {
    version: 2,
    name: 'list indexes: all states in order, path prefixes, acceptances by expiry only',
    // Measured on 100k findings: a list of every state sorted all rows (no (sev, id) index), a path prefix read
    // rows one by one, and the planners answered triage filters from the expiry index and then sorted everything.
    sql: `
DROP INDEX findings_triage;
CREATE INDEX findings_expiry ON findings (triage_expires) WHERE triage = 'accepted_risk';
CREATE INDEX findings_order ON findings (sev, id);
CREATE INDEX findings_path ON findings (path {{pattern_ops}});
CREATE INDEX findings_scanner_list ON findings (scanner, state, sev, id);
`,
  },
  {
    version: 3,
    name: 'per-project SLA: days to fix per severity that override the server SLA for one project',
    sql: `
CREATE TABLE project_sla (
  project_id {{int}} NOT NULL REFERENCES projects(id),
  severity TEXT NOT NULL,
  days {{int}},
  PRIMARY KEY (project_id, severity)
);
`,
  },
];
