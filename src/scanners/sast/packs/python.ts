/** Built-in Python rules (search mode, tree-sitter). Our own rules, written from the Python library docs. */
export const PYTHON_PACK = String.raw`
rules:
  - id: py-subprocess-shell
    message: subprocess.$F runs a shell command built at run time (shell=True); pass an argument list without shell=True.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-78", confidence: HIGH }
    patterns:
      - pattern: subprocess.$F(..., shell=True, ...)
      - metavariable-regex:
          metavariable: $F
          regex: '^(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)$'
      - pattern-not: subprocess.$F("...", ...)
  - id: py-os-system
    message: os.system runs its argument in a shell; use subprocess.run with an argument list.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-78" }
    patterns:
      - pattern-either:
          - pattern: os.system($CMD)
          - pattern: os.popen($CMD, ...)
      - pattern-not: os.system("...")
      - pattern-not: os.popen("...", ...)
  - id: py-eval
    message: eval() of a non-constant expression runs arbitrary code; use ast.literal_eval or json.loads.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-95" }
    patterns:
      - pattern: eval($X, ...)
      - pattern-not: eval("...", ...)
  - id: py-exec
    message: exec() of a non-constant string runs arbitrary code.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-95" }
    patterns:
      - pattern: exec($X, ...)
      - pattern-not: exec("...", ...)
  - id: py-pickle-load
    message: pickle/dill/cPickle deserialisation runs code from the data; never unpickle untrusted input, use JSON.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-502" }
    patterns:
      - pattern: $M.$F(...)
      - metavariable-regex:
          metavariable: $M
          regex: '^(pickle|cPickle|_pickle|dill|jsonpickle)$'
      - metavariable-regex:
          metavariable: $F
          regex: '^(load|loads|decode|Unpickler)$'
  - id: py-yaml-load
    message: yaml.load without a safe Loader can construct arbitrary Python objects; use yaml.safe_load.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-502" }
    pattern-either:
      - patterns:
          - pattern: yaml.load(...)
          - pattern-not: yaml.load(..., Loader=yaml.SafeLoader, ...)
          - pattern-not: yaml.load(..., Loader=SafeLoader, ...)
          - pattern-not: yaml.load(..., Loader=yaml.CSafeLoader, ...)
      - pattern: yaml.unsafe_load(...)
  - id: py-sql-string-building
    message: SQL text passed to $CUR.$M is built with formatting or concatenation; use query parameters.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-89", confidence: HIGH }
    patterns:
      - pattern-either:
          - pattern: $CUR.$M("..." % $ARGS, ...)
          - pattern: $CUR.$M("...".format(...), ...)
          - pattern: $CUR.$M("..." + $X, ...)
          - patterns:
              - pattern: $CUR.$M($Q, ...)
              - metavariable-regex:
                  metavariable: $Q
                  regex: '^[fF][rR]?["''].*\{'
      - metavariable-regex:
          metavariable: $M
          regex: '^(execute|executemany|executescript|raw|extra|read_sql|read_sql_query)$'
  - id: py-requests-user-url
    message: requests.$M fetches a URL taken straight from the request; check the host against an allow-list (SSRF).
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-918" }
    pattern-either:
      - pattern: requests.$M(request.$A.get(...), ...)
      - pattern: requests.$M(request.$A[...], ...)
      - pattern: urllib.request.urlopen(request.$A.get(...), ...)
  - id: py-requests-verify-false
    message: verify=False turns off TLS certificate checks.
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-295" }
    pattern: requests.$M(..., verify=False, ...)
  - id: py-flask-debug
    message: The Flask debugger allows code execution; never run with debug=True outside development.
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-489" }
    pattern: $APP.run(..., debug=True, ...)
  - id: py-tempfile-mktemp
    message: tempfile.mktemp is racy (another process can create the file first); use NamedTemporaryFile or mkstemp.
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-377" }
    pattern: tempfile.mktemp(...)
  - id: py-weak-hash
    message: hashlib.$F is not collision resistant; use sha256 (or a password KDF for passwords).
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-328" }
    patterns:
      - pattern: hashlib.$F(...)
      - metavariable-regex:
          metavariable: $F
          regex: '^(md5|sha1|md4)$'
      - pattern-not: hashlib.$F(..., usedforsecurity=False, ...)
  - id: py-jwt-no-verify
    message: The JWT is decoded without verifying its signature.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-347" }
    pattern-either:
      - pattern: jwt.decode(..., verify=False, ...)
      - patterns:
          - pattern: jwt.decode(...)
          - pattern-regex: '(?s)["'']verify_signature["'']\s*:\s*False'
  - id: py-marshal-load
    message: marshal is not safe against malicious data.
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-502" }
    pattern-either:
      - pattern: marshal.loads(...)
      - pattern: marshal.load(...)
  - id: py-bind-all-interfaces
    message: The socket listens on every interface; bind to 127.0.0.1 unless it must be public.
    severity: INFO
    languages: [python]
    metadata: { cwe: "CWE-200" }
    pattern: $S.bind(("0.0.0.0", $PORT))
  - id: py-lxml-resolve-entities
    message: An XML parser with entity resolution reads local files from untrusted XML (XXE); set resolve_entities=False.
    severity: ERROR
    languages: [python]
    metadata: { cwe: "CWE-611" }
    pattern: $ET.XMLParser(..., resolve_entities=True, ...)
  - id: py-paramiko-auto-add
    message: AutoAddPolicy accepts any SSH host key (man in the middle); load known hosts instead.
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-295" }
    pattern: $C.set_missing_host_key_policy(paramiko.AutoAddPolicy())
  - id: py-django-mark-safe
    message: mark_safe on a non-constant string disables Django's HTML escaping (XSS).
    severity: WARNING
    languages: [python]
    metadata: { cwe: "CWE-79" }
    patterns:
      - pattern: mark_safe($X)
      - pattern-not: mark_safe("...")
`;
