/** Built-in Go rules (search mode, tree-sitter). Our own rules, written from the Go standard library docs. */
export const GO_PACK = String.raw`
rules:
  - id: go-exec-shell
    message: exec.Command runs a shell with a command built at run time; run the program directly with separate arguments.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-78", confidence: HIGH }
    patterns:
      - pattern-either:
          - pattern: exec.Command($SH, "-c", $CMD, ...)
          - pattern: exec.CommandContext($CTX, $SH, "-c", $CMD, ...)
      - metavariable-regex:
          metavariable: $SH
          regex: '^"(/bin/|/usr/bin/)?(sh|bash|zsh|dash)"$'
      - pattern-not: exec.Command($SH, "-c", "...", ...)
      - pattern-not: exec.CommandContext($CTX, $SH, "-c", "...", ...)
  - id: go-exec-variable-program
    message: The program run by exec.Command is not a constant; make sure it cannot come from input.
    severity: WARNING
    languages: [go]
    metadata: { cwe: "CWE-78", confidence: LOW }
    patterns:
      - pattern: exec.Command($P, ...)
      - pattern-not: exec.Command("...", ...)
  - id: go-sql-sprintf
    message: SQL text is built with fmt.Sprintf; use placeholders and pass values as arguments.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-89", confidence: HIGH }
    patterns:
      - pattern-either:
          - pattern: $DB.$M(fmt.Sprintf(...), ...)
          - pattern: $DB.$M($CTX, fmt.Sprintf(...), ...)
      - metavariable-regex:
          metavariable: $M
          regex: '^(Query|QueryRow|Exec|QueryContext|QueryRowContext|ExecContext|Prepare|PrepareContext|Raw|Select|Get)$'
  - id: go-sql-concat
    message: SQL text is built by concatenation; use placeholders and pass values as arguments.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-89" }
    patterns:
      - pattern-either:
          - pattern: $DB.$M("..." + $X, ...)
          - pattern: $DB.$M($CTX, "..." + $X, ...)
      - metavariable-regex:
          metavariable: $M
          regex: '^(Query|QueryRow|Exec|QueryContext|QueryRowContext|ExecContext|Prepare|Raw)$'
  - id: go-tls-insecure-skip-verify
    message: InsecureSkipVerify turns off TLS certificate checks.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-295" }
    pattern-regex: 'InsecureSkipVerify\s*:\s*true'
  - id: go-weak-hash
    message: MD5/SHA-1 are broken for security use; use crypto/sha256 (or bcrypt/argon2 for passwords).
    severity: WARNING
    languages: [go]
    metadata: { cwe: "CWE-328" }
    patterns:
      - pattern: $H.$F(...)
      - metavariable-regex:
          metavariable: $H
          regex: '^(md5|sha1)$'
      - metavariable-regex:
          metavariable: $F
          regex: '^(New|Sum)$'
  - id: go-weak-cipher
    message: DES/3DES/RC4 are broken ciphers; use AES-GCM.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-327" }
    pattern-either:
      - pattern: des.NewCipher(...)
      - pattern: des.NewTripleDESCipher(...)
      - pattern: rc4.NewCipher(...)
  - id: go-http-no-timeouts
    message: http.ListenAndServe has no read/write timeouts (slowloris); use an http.Server with timeouts.
    severity: INFO
    languages: [go]
    metadata: { cwe: "CWE-400" }
    pattern-either:
      - pattern: http.ListenAndServe(...)
      - pattern: http.ListenAndServeTLS(...)
  - id: go-template-html-unescaped
    message: template.HTML marks a non-constant string as safe HTML (XSS).
    severity: WARNING
    languages: [go]
    metadata: { cwe: "CWE-79" }
    patterns:
      - pattern: template.HTML($X)
      - pattern-not: template.HTML("...")
  - id: go-path-from-request
    message: A file path comes straight from the request (path traversal); clean it and check it stays under the base folder.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-22" }
    pattern-either:
      - patterns:
          - pattern-either:
              - pattern: $F($R.FormValue(...), ...)
              - pattern: $F($R.URL.Query().Get(...), ...)
          - metavariable-regex:
              metavariable: $F
              regex: '^(os\.Open|os\.ReadFile|os\.Create|os\.WriteFile|os\.Remove|os\.OpenFile|ioutil\.ReadFile)$'
      - pattern: filepath.Join(..., $R.FormValue(...), ...)
      - pattern: filepath.Join(..., $R.URL.Query().Get(...), ...)
  - id: go-ssrf-request-url
    message: The server fetches a URL taken from the request (SSRF); allow-list the host.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-918" }
    patterns:
      - pattern-either:
          - pattern: http.$M($R.FormValue(...), ...)
          - pattern: http.$M($R.URL.Query().Get(...), ...)
      - metavariable-regex:
          metavariable: $M
          regex: '^(Get|Post|Head|NewRequest)$'
  - id: go-open-redirect
    message: http.Redirect sends the user to a URL taken from the request.
    severity: WARNING
    languages: [go]
    metadata: { cwe: "CWE-601" }
    pattern-either:
      - pattern: http.Redirect($W, $R, $R.FormValue(...), ...)
      - pattern: http.Redirect($W, $R, $R.URL.Query().Get(...), ...)
  - id: go-bind-all-interfaces
    message: The listener binds every interface; bind to 127.0.0.1 unless it must be public.
    severity: INFO
    languages: [go]
    metadata: { cwe: "CWE-200" }
    patterns:
      - pattern: net.Listen($NET, $ADDR)
      - metavariable-regex:
          metavariable: $ADDR
          regex: '^"(0\.0\.0\.0)?:\d+"$'
  - id: go-world-writable-file
    message: World-writable permissions on a file or folder.
    severity: WARNING
    languages: [go]
    metadata: { cwe: "CWE-732" }
    patterns:
      - pattern-either:
          - pattern: os.WriteFile($P, $D, $PERM)
          - pattern: os.Chmod($P, $PERM)
          - pattern: os.MkdirAll($P, $PERM)
          - pattern: os.Mkdir($P, $PERM)
      - metavariable-regex:
          metavariable: $PERM
          regex: '^0o?[0-7]?[0-7][0-7][2367]$'
  - id: go-jwt-none-algorithm
    message: Accepting the JWT 'none' algorithm accepts unsigned tokens.
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-347" }
    pattern-regex: 'jwt\.SigningMethodNone|UnsafeAllowNoneSignatureType'
  - id: go-ssh-insecure-host-key
    message: ssh.InsecureIgnoreHostKey accepts any server key (man in the middle).
    severity: ERROR
    languages: [go]
    metadata: { cwe: "CWE-295" }
    pattern: ssh.InsecureIgnoreHostKey()
`;
