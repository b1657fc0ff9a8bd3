/** Built-in Java rules (search mode, tree-sitter). Our own rules, written from the JDK and Servlet docs. */
export const JAVA_PACK = String.raw`
rules:
  - id: java-runtime-exec
    message: Runtime.exec with a command built at run time; use ProcessBuilder with a fixed program and separate arguments.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-78" }
    patterns:
      - pattern: Runtime.getRuntime().exec($CMD, ...)
      - pattern-not: Runtime.getRuntime().exec("...", ...)
  - id: java-processbuilder-shell
    message: ProcessBuilder runs a shell with a command built at run time.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-78", confidence: HIGH }
    patterns:
      - pattern: new ProcessBuilder($SH, $FLAG, $CMD, ...)
      - metavariable-regex:
          metavariable: $SH
          regex: '^"(/bin/)?(sh|bash|cmd|cmd\.exe|powershell)"$'
      - pattern-not: new ProcessBuilder($SH, $FLAG, "...", ...)
  - id: java-sql-concat
    message: SQL text passed to $S.$M is built by concatenation; use a PreparedStatement with ? parameters.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-89", confidence: HIGH }
    patterns:
      - pattern-either:
          - pattern: $S.$M("..." + $X, ...)
          - pattern: $S.$M(String.format(...), ...)
      - metavariable-regex:
          metavariable: $M
          regex: '^(executeQuery|executeUpdate|execute|addBatch|prepareStatement|prepareCall|createQuery|createNativeQuery|queryForList|queryForObject|update)$'
  - id: java-object-input-stream
    message: Java deserialisation of untrusted data can run code; use a data format (JSON) or an ObjectInputFilter.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-502" }
    pattern: new ObjectInputStream(...)
  - id: java-weak-hash
    message: MessageDigest $ALG is broken for security use; use SHA-256 or a password KDF.
    severity: WARNING
    languages: [java]
    metadata: { cwe: "CWE-328" }
    patterns:
      - pattern: MessageDigest.getInstance($ALG, ...)
      - metavariable-regex:
          metavariable: $ALG
          regex: '^"(MD5|MD2|MD4|SHA-?1)"$'
  - id: java-weak-cipher
    message: Cipher $ALG is broken or uses ECB mode (plain "AES" defaults to ECB); use AES/GCM/NoPadding.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-327" }
    patterns:
      - pattern: Cipher.getInstance($ALG, ...)
      - metavariable-regex:
          metavariable: $ALG
          regex: '^"(DES|DESede|RC4|RC2|Blowfish)(/|"$)|^"AES"$|/ECB/'
  - id: java-predictable-random
    message: java.util.Random is predictable; use SecureRandom for tokens, keys and passwords.
    severity: INFO
    languages: [java]
    metadata: { cwe: "CWE-338", confidence: LOW }
    pattern: new Random(...)
  - id: java-trust-all-certificates
    message: A TrustManager whose checkServerTrusted does nothing accepts every certificate.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-295" }
    pattern-regex: 'void\s+checkServerTrusted\s*\([^)]*\)\s*(throws\s+[\w.]+\s*)?\{\s*\}'
  - id: java-hostname-verifier-all
    message: A HostnameVerifier that always returns true accepts any host.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-297" }
    pattern-regex: 'setHostnameVerifier\(\s*\(\s*\w+\s*,\s*\w+\s*\)\s*->\s*true\s*\)|NoopHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER'
  - id: java-spring-csrf-disabled
    message: CSRF protection is disabled.
    severity: WARNING
    languages: [java]
    metadata: { cwe: "CWE-352" }
    pattern-either:
      - pattern: $H.csrf().disable()
      - pattern-regex: '\.csrf\(\s*(AbstractHttpConfigurer::disable|\w+\s*->\s*\w+\.disable\(\))\s*\)'
  - id: java-cookie-insecure
    message: The cookie is marked not Secure or not HttpOnly.
    severity: WARNING
    languages: [java]
    metadata: { cwe: "CWE-614" }
    pattern-either:
      - pattern: $C.setSecure(false)
      - pattern: $C.setHttpOnly(false)
  - id: java-xss-writer
    message: A request parameter is written into the response without HTML escaping (XSS).
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-79" }
    patterns:
      - pattern: $RESP.getWriter().$W(...)
      - pattern-regex: 'getParameter\('
      - metavariable-regex:
          metavariable: $W
          regex: '^(write|print|println|printf|append)$'
  - id: java-path-from-request
    message: A file path comes from a request parameter (path traversal).
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-22" }
    pattern-either:
      - pattern: new File(..., $R.getParameter(...))
      - pattern: new FileInputStream($R.getParameter(...))
      - pattern: Paths.get(..., $R.getParameter(...), ...)
      - pattern: Path.of(..., $R.getParameter(...), ...)
  - id: java-ssrf-url
    message: The server opens a URL taken from a request parameter (SSRF).
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-918" }
    pattern-either:
      - pattern: new URL($R.getParameter(...))
      - pattern: URI.create($R.getParameter(...))
  - id: java-open-redirect
    message: sendRedirect to a URL taken from a request parameter.
    severity: WARNING
    languages: [java]
    metadata: { cwe: "CWE-601" }
    pattern: $RESP.sendRedirect($R.getParameter(...))
  - id: java-script-eval
    message: A script engine evaluates a request parameter (code injection).
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-94" }
    pattern: $E.eval($R.getParameter(...), ...)
  - id: java-ldap-concat
    message: An LDAP filter is built by concatenation (LDAP injection); escape the value or use a parameterised filter.
    severity: ERROR
    languages: [java]
    metadata: { cwe: "CWE-90" }
    pattern: $CTX.search($BASE, "..." + $X, ...)
`;
