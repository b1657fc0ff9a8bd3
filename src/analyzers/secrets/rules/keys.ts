/**
 * Private keys: PEM blocks (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted PKCS#8), PGP private key blocks, PuTTY and
 * SSH2 key files, base64-encoded PEM (Kubernetes `client-key-data`, Helm values).
 *
 * A PEM body may span many lines, sit in a JSON string with literal `\n`, or be split over string concatenations,
 * so bodies accept base64, whitespace, `\n`/`\r` escapes and quotes, with bounded quantifiers and no `s` flag.
 * When the END line is out of reach the secret is the BEGIN line plus the body seen so far.
 */
import type { SecretRuleSpec } from '../rule.js';

const r = String.raw;

/** A service-account JSON key is reported once, by gcp-service-account-key. */
const NOT_IN_SERVICE_ACCOUNT_JSON = r`(?<!"private_key"\s{0,4}:\s{0,4}")`;

/** Base64 body characters, blanks, escaped newlines and the quote/plus of split string literals. */
const BODY = r`(?:[A-Za-z0-9+/=]|\\[nr]|[ \t\r\n"'+,])`;

function pem(
  id: string,
  title: string,
  label: string,
  keyword: string,
  severity: SecretRuleSpec['severity'],
  positive: string[],
  extra: Partial<SecretRuleSpec> = {},
  lookbehind = '',
): SecretRuleSpec {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  return {
    id,
    title,
    help: `A ${title.toLowerCase()} in the code. Consider it compromised: revoke the key (and any certificate or deploy key using it), generate a new one and keep it in a secret store.`,
    severity,
    keywords: [keyword],
    regex:
      lookbehind +
      `(?<secret>${begin}` +
      r`(?:(?:\\n|\s){1,4}Proc-Type:[^\n\\]{1,40}(?:\\n|\s){1,4}DEK-Info:[^\n\\]{1,80})?` +
      `${BODY}{64,12000}?(?:${end}|(?!${BODY})))`,
    minEntropy: 4,
    tags: ['private-key'],
    examples: {
      positive,
      negative: [
        `${begin}\n...\n${end}`,
        `${begin}\n<your key here>\n${end}`,
        `${begin}\nMIIEpAIBAAKCAQEA\n${end}`,
        `const header = "${begin}";`,
      ],
    },
    ...extra,
  };
}

/** Built-in rules for private keys. */
export const KEY_RULES: SecretRuleSpec[] = [
  pem('private-key-rsa', 'RSA private key (PKCS#1 PEM)', 'RSA PRIVATE KEY', '-----begin rsa private key', 'critical', [
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEACIcJbnl2K31VeFQF4TiIobYMcxByTf4Sjf1Sp0jbYa3z7iFJ\nviKM5c+g1UJtiypaFLOmjQ3w5BC/lEeqNWFexSbO4HxKSm3PwEipzxLzcl/PmEjE\n3s99Kl7PMyFyfP4T1vO91cIBMBdgrPfJbJOkj8SfNXjr7ovCezjlx5O3dw0QmfsZ\n5mD9LfqreFv0tYFZNW+2aSBzNW2sSegfMPCYXk/V==\n-----END RSA PRIVATE KEY-----\n',
    '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,99EABD8BDD818A0F3DB05E6E73886BD7\n\nivcmha0DoHRtryRoUDuUXgJucSI2yxwd95RI8/7zYr6SLT13x3wBj6KVRsKf4NpJ\nqTFz41wpNfM0KASv+GLYzRr298zfXQCpZVsRcB9z8DXQV5T5uPypopqQlw9gMOiK\n-----END RSA PRIVATE KEY-----',
  ], {}, NOT_IN_SERVICE_ACCOUNT_JSON),
  pem('private-key-ec', 'EC private key (SEC1 PEM)', 'EC PRIVATE KEY', '-----begin ec private key', 'critical', [
    'key = """-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIXs+UfhRA6X9kujnL1DgWmPBwd3SWiLsCcfBQwhFQ2UsoBCndfP26n/c\n3N16ewhiwYYWUMjY8kWI0PyTN1s2B80IdhCRnrZ5FIpCWo3gkIqRememmt5ZqOPm\nJs7QAnizGCb5gHFPaV5JLU/qhXbKQYKeHUmxMjYg==\n-----END EC PRIVATE KEY-----"""',
  ], {}, NOT_IN_SERVICE_ACCOUNT_JSON),
  pem('private-key-dsa', 'DSA private key (PEM)', 'DSA PRIVATE KEY', '-----begin dsa private key', 'critical', [
    '-----BEGIN DSA PRIVATE KEY-----\nMIIBuwIBAAKBgQa47n/g3qL0cD8XPID4lj+36e6EUk3zX15LWXmonx8pfgB5f10q\nc9ooNIgX/mgSQCNWR1lGPxFE3RIdljAwZ+RKUzs1DFGzrxhp/ciZwQLxSGINTgFq\niU1j+ZrkjzVDUCnrFNfqQuqs99uYs6TgfmhWru0eMzfyoQGIs8Ha1jZ893p2AptQ\n-----END DSA PRIVATE KEY-----',
  ]),
  {
    id: 'private-key-openssh',
    title: 'OpenSSH private key',
    help: 'An OpenSSH private key. Remove the public key from authorized_keys / deploy keys everywhere it is trusted, generate a new pair and keep the private half out of the repository.',
    severity: 'critical',
    keywords: ['-----begin openssh private key'],
    // The first body line holds the fixed preamble (magic, cipher, a run of zero bytes); the secret starts after it.
    regex: r`-----BEGIN OPENSSH PRIVATE KEY-----(?:\\n|\s){1,4}b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=]{0,120}(?:\\n|\s){1,4}(?<secret>(?:[A-Za-z0-9+/=]|\\[nr]|[ \t\r\n"'+,]){64,12000}?(?:-----END OPENSSH PRIVATE KEY-----|(?!(?:[A-Za-z0-9+/=]|\\[nr]|[ \t\r\n"'+,]))))`,
    minEntropy: 4,
    tags: ['private-key', 'ssh'],
    examples: {
      positive: [
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDS5zw7JYBZfuCXxdjUFzi1vO++U6/HeNWzSqEEuYslphhSWAHmJhqpFNgl\nr2xFl8mJ8cWz4ruRH6tnZ2Cgdbp8a2+gWb6us0Ovv1avxz5cJgPAtRlohVua0f5Umy1Oml\nS2kxJQFnBlOqIQxxTiMZaPx5fn4ddQ78wwatYjduyWZAMlQfe6tAnzon0CGeobT328jCCg\nkx21IvHL7NAZWVu+cx/zpJyCmVENB7=\n-----END OPENSSH PRIVATE KEY-----\n',
        '"ssh_key": "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABDnKoTj+GcE4sCx8vagR6l\\nAuvSaOb/coouD9VmYJvxBbRj/VJntf2cobuJb6TVuVwJHP27s3EcoXghkfjH9A7yLKVa1M\\nn4B13YhLFj+GDHI4HWb+3x3OUIctqhxK4opXqTWeLWSBJ8Opazfscd9MV8N4NH1A9Srcmf\\n-----END OPENSSH PRIVATE KEY-----\\n"',
      ],
      negative: [
        '-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----',
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----',
        'if (text.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----")) parse(text);',
      ],
    },
  },
  pem(
    'private-key-pkcs8',
    'Private key (PKCS#8 PEM)',
    'PRIVATE KEY',
    '-----begin private key',
    'critical',
    [
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCP3f1MUWKd9Ni56z88exQXoOSjmMCuUur\ni+IQb3rGr4IdSCGIeTGBQaDqsJakTQctwGXM6wZ9jKp29SDjlNdw6AfMxNDB9a4R\nTG5kBiUJzyW1Sd5WduXbwySIiY0U9oN9d89Romw/iaOAvXKwrddWnYy5RXhhjEFm\n-----END PRIVATE KEY-----',
      'const key = "-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeaCbKi0J7rtnJlNT\\nOTpBK7x9QiMNRn2GvbChn0Lp7L4ai4K4SGuO3gDZkgLaBncdzZPwiSWyT1W72Pf0\\ntZOPZfdTYeYjcFtevBg3/luw\\n-----END PRIVATE KEY-----\\n";',
    ],
    {},
    NOT_IN_SERVICE_ACCOUNT_JSON,
  ),
  pem('private-key-pkcs8-encrypted', 'Encrypted private key (PKCS#8 PEM)', 'ENCRYPTED PRIVATE KEY', '-----begin encrypted private key', 'medium', [
    '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQIiI5MoJkiWsKrUE2V\nIjAYvlBWx21uo7NWcXvd00H5m8v4ayMf01TbZvAtZpLypNIN7hLn9flQihN87/9i\nQGnbh0WQui2VSurdCxBkxEdw7dzHHNf2mpcCNvBD0H6RqyAWjW+iapN2SWdigsod\n-----END ENCRYPTED PRIVATE KEY-----',
  ]),
  pem('pgp-private-key-block', 'PGP private key block', 'PGP PRIVATE KEY BLOCK', '-----begin pgp private key block', 'critical', [
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQVYBGTB/p35stIFP6SmvXwJDPaqDONpGY+TcucTLUApBbTzHDP/ENxa2C84ERCA\nVwc4C3Utx1Zn2OIsZhaqJIpXC+MjIKRJZFPU6WbGFqAh47EZJoZjBB/vH7IWFDvh\nmdu5Y8XCrqxm4wljGzdIDLWuryAP5UUIczNMLg1VPJYtJ2UE8pmnA9EJTeBDjC4z\n=KQri\n-----END PGP PRIVATE KEY BLOCK-----',
  ]),
  {
    id: 'putty-private-key',
    title: 'PuTTY private key file',
    severity: 'critical',
    keywords: ['putty-user-key-file-'],
    regex: r`PuTTY-User-Key-File-[23]: [\w\-@.]{3,60}\r?\n[\s\S]{0,3000}?Private-Lines: \d{1,3}\r?\n(?<secret>[A-Za-z0-9+/=]{40,200}(?=\r?\n|$)(?:\r?\n[A-Za-z0-9+/=]{1,200}(?=\r?\n|$)){0,100})`,
    minEntropy: 4,
    tags: ['private-key', 'ssh'],
    examples: {
      positive: ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAImlrRgdqfAvF4S7Xk6mcTnSvW8URFRrpIvmNU291\na5JwB/p0oGhJQ9DWogDC\nPrivate-Lines: 1\nAAAAIy9SOY5EzIQahAifCfXFbhVtCOug9NO1ghEtHBxO1wcL\nPrivate-MAC: 7ed617dba3bacd2c716ee828b5eed30c4627e9763cafc52e04c18a252e419594\n'],
      negative: ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n<key>\n', 'PuTTY-User-Key-File-3 is the format name'],
    },
  },
  {
    id: 'ssh2-private-key',
    title: 'SSH2 (RFC 4716 / Tectia) private key',
    severity: 'critical',
    keywords: ['---- begin ssh2 encrypted private key'],
    regex: r`(?<secret>---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----(?:\r?\n[\w\-]{1,40}: [^\n]{0,200})*(?:[A-Za-z0-9+/=]|\r?\n){64,12000}?(?:---- END SSH2 ENCRYPTED PRIVATE KEY ----|(?![A-Za-z0-9+/=\r\n])))`,
    minEntropy: 4,
    tags: ['private-key', 'ssh'],
    examples: {
      positive: ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "rsa-key"\nP2/56wAAAxyUgvQmRNUn+OXA7X/1hsS4BVagB01eUqTrYUfuG1th1nUg0m59T+p2\nd2RGWXY8vwzN8p+RYSGn37yScw3+1vrsTCHvgkbtTrnuBhn9iQtE7zKwvdXhKOWa\nxDal1uA0mrKeZhNsOHzJui6EdLNpx0/46lQtJajxK2/0kCrdPGs8o/xc2rVd/IhE\n---- END SSH2 ENCRYPTED PRIVATE KEY ----'],
      negative: ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n...\n---- END SSH2 ENCRYPTED PRIVATE KEY ----'],
    },
  },
  {
    id: 'kubeconfig-client-key-data',
    title: 'Kubernetes client key in a kubeconfig',
    severity: 'critical',
    keywords: ['client-key-data'],
    regex: r`client-key-data:\s{0,4}["']?(?<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,12000}={0,2})`,
    minEntropy: 4,
    tags: ['private-key', 'kubernetes'],
    examples: {
      positive: ['users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUTwXm5IAZqrGfXAgcVGfofFq5L4AYyFb2S/HvbFsPRC+jDJPTxRLnOJYq8IDQ\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo9tPS3N4QmEHXDeIfCpJxLaN3mz2GKbPigX4birjC5p5sK6D8eSM9B0oNkoFJdwKMyr/g49bqra3FvuF3dLwczqCWZ+IcSPuFQrzMEVHDnHBYMFbsUTPP0XJthUjr6kHwflOB34NAJDazC9fIEk+3+92A1WfcUSxR4ywU8D1DoecHRzG7Ng+dP7pWgmOXOXeLl2fkp5XI=='],
      negative: ['    client-key-data: REDACTED', '    client-key-data: LS0tLS1CRUdJTi69vBXg6RGP'],
    },
  },
  {
    id: 'private-key-base64-pem',
    title: 'Base64-encoded PEM private key',
    severity: 'critical',
    keywords: ['ls0tls1crudjtib'],
    // A kubeconfig client-key-data value is reported once, by kubeconfig-client-key-data.
    regex: r`(?<![A-Za-z0-9+/])(?<!client-key-data:\s{0,4}["']?)(?<secret>LS0tLS1CRUdJTiB(?:SU0EgUFJJVkFURSBLRVk|FQyBQUklWQVRFIEtFWS|PUEVOU1NIIFBSSVZBVEUgS0VZ|QUklWQVRFIEtFWS|EU0EgUFJJVkFURSBLRVk|FTkNSWVBURUQgUFJJVkFURSBLRVk|QR1AgUFJJVkFURSBLRVkgQkxPQ0s)[A-Za-z0-9+/]{40,12000}={0,2})(?![A-Za-z0-9+/=])`,
    minEntropy: 4,
    tags: ['private-key'],
    examples: {
      positive: ['tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3FogaoYiKFNrCDPx1UgYYnNJ8tMo7z/lTMJtxNLgUMWX0wqxZQtR1+E4qX+0NZn9M5fSCisLuBXvuCdZx9PbwwL/Cxu8JtWj5zh6NZF46fZiOQlrXcfkpYi/nBeR7lQ74ikg3f4FMXn1hp6AlsUAD9svPC1jV4/i/9oPcafNO4iTnSbiWTGCzWueKAzmP0ostm9Ysm9VraH==', 'SSH_KEY_B64=LS0tLS1CRUdJTiBPUEVOU1NIIFBSSVZBVEUgS0VZLS0tLS0KxBFH6L5Loj0kz/yQWLAD7CEAGRrrj7o/tltp5yokAxL7Cdm1+4/s0EkKwXVVMsblxPoLR158S5R61MIwbWhevPx3lUK+xbI951nPnihQURK+n/Dw2LrI6kU2mtRDeb31LEyj+dSDdDli8UnO4I5eLPycYdqn470Qa3sIf1G2AY3eW4NkEnWN'],
      negative: ['tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0thlrQlSyawQNaMrnpg+IcDe8Kc/c/g0/R86KzpeE1DJWyV2KFW37/2BsYJiZPDpYYBetl601eCoNwP5ftYap921/MS0tkkI5hGv93qnxFeWhJ4M5I6dYzLLMhgzkQ720V2jHHT1XwS0ozWxJqjHT/ku1fm13PZrxgDWZADxKi07j0IWg4s8Z4cs9/j0zt/n+8Ah60W/uH', 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkKgml1Ns+r4'],
    },
  },
  {
    id: 'wireguard-private-key',
    title: 'WireGuard private key',
    help: 'A WireGuard interface private key. Generate a new key pair (wg genkey) and update the public key on every peer.',
    severity: 'critical',
    keywords: ['privatekey'],
    regex: r`(?<![\w.])PrivateKey\s{0,4}=\s{0,4}(?<secret>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])`,
    minEntropy: 4,
    tags: ['private-key', 'wireguard'],
    examples: {
      positive: ['[Interface]\nAddress = 10.0.0.2/24\nPrivateKey = rsOM+l7G5xyaM/bUDNSm1SxZe8bLO2krkzRY85K91jA=\nDNS = 1.1.1.1', 'PrivateKey=D5l1Zo7jwVZwNmTYqtimPC51ehPLVwEibO5tXxTq5SY='],
      negative: ['PrivateKey = <private key>', 'PrivateKey = CvBRM4HIQDsLMNsIZgoN=', 'PublicKey = KddNzaXarnrpy/WCAM7RCywKcvqz1XiXfnQuMjPGENA='],
    },
  },
  {
    // A Kubernetes Secret manifest carrying inline `data:` values: base64 is an encoding, not a protection, so the
    // manifest is the secret. (Each value is also decoded and searched with every rule; a decoded finding at the
    // same place replaces this one.) `kind: Secret` may come before `data:` (as written by hand: metadata with its
    // labels and annotations between) or after it (as `kubectl get -o yaml` writes it: every entry of `data:` and
    // then `kind:`), within one YAML document. The value reported is the first base64 one of ten characters or
    // more: entries before it (a short `user: YWRtaW4=`, an empty `""`, a Helm `{{ … }}`), comments and blank
    // lines are read past, and the entries may be a flow mapping (`data: {password: …}`).
    id: 'kubernetes-secret-data',
    title: 'Kubernetes Secret manifest with inline data',
    help: 'A Secret manifest holds its values base64-encoded in the repository. Keep the values out of Git (Sealed Secrets, SOPS, External Secrets, or a secret store) and rotate what was committed.',
    severity: 'medium',
    keywords: ['secret'],
    // An entry line is read past only when its value is not one reported (empty, a Helm `{{ … }}`, under ten
    // characters, a certificate), so the entry found is the first that qualifies and is tried once: the regex never
    // tries the entries one by one. (Look-aheads would make the engine read further around every `data:`.) The
    // secret is group 1 (`secret`), or the first group that took part.
    regex: ((kind: string, sameLine: string, below: string, entry: (name: string) => string, between: string, after: string) =>
      `${kind}${between}\\bdata:(?:${sameLine}|${below})${entry('secret')}` +
      `|\\bdata:(?:${sameLine}|${below})${entry('secret2')}${after}${kind}`)(
      // `kind: Secret`, not `kind: SecretProviderClass` nor `kind: ExternalSecret`.
      r`\bkind:[ \t]*["']?secret["']?(?![\w\-])`,
      // `data:` (not `stringData:`), then the entry on the same line (a flow mapping) or on an indented line below,
      // past blank lines, comments and entries whose value is not reported.
      r`[^\r\n]{0,100}?[ \t{,]`,
      r`[ \t]*(?:#[^\r\n]{0,200})?\r?\n(?:[ \t]*\r?\n|[ \t]*#[^\r\n]{0,200}\r?\n|[ \t]{1,40}[\w.\-]{1,100}:[ \t]{0,16}(?:""|''|\{\{[^\r\n]{0,300}|["']?[A-Za-z0-9+/]{0,9}={0,3}["']?|["']?LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS[^\r\n]{0,8000})[ \t]{0,16}(?:#[^\r\n]{0,200})?\r?\n){0,20}[ \t]+`,
      // A block scalar (`key: |`) holds its value on the next line. A certificate (`ca.crt`, `tls.crt`:
      // `-----BEGIN CERTIFICATE` encoded) is public and read past.
      (name) => r`[\w.\-]{1,100}:(?:[ \t]*[|>][\-+]?[ \t]*(?:\r?\n[ \t]+)?)?[ \t]*["']?(?!LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS)` + `(?<${name}>` + r`[A-Za-z0-9+/]{10,8000}={0,3})(?![A-Za-z0-9+/=_\-.])`,
      // From `kind: Secret` to `data:`: the metadata, within the document.
      r`(?:(?!---)[\s\S]){0,1000}?`,
      // From the value to `kind:`: within the document; or past the rest of the value's line (a closing quote, a
      // comment) and the indented entries after it, then within the document.
      r`(?:(?:(?!---)[\s\S]){0,200}?|[^\r\n]{0,200}\r?\n(?:[ \t][^\r\n]{0,8000}\r?\n){1,40}(?:(?!---)[\s\S]){0,200}?)`,
    ) +
      // The same manifest as JSON (`kubectl get secret -o json`: `"data"` first, then `"kind"`; or by hand, `"kind"`
      // first). Entries whose value is not reported are read past (a certificate too), and the rest of `"data"` and
      // of the text up to `"kind"` holds no brace (the values are strings).
      ((kind: string, data: (name: string) => string) =>
        `|${data('secretj')}[^{}]{0,8000}\\}[^{}]{0,300}?${kind}|${kind}(?:(?!"kind")[\\s\\S]){0,1000}?${data('secretk')}`)(
        r`"kind"[ \t]*:[ \t]*"secret"`,
        (name) =>
          r`"data"[ \t]*:[ \t]*\{\s{0,100}(?:"[\w.\-]{1,100}"[ \t]{0,16}:[ \t]{0,16}"(?:[A-Za-z0-9+/]{0,9}={0,3}|LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS[A-Za-z0-9+/]{0,8000}={0,3})"[ \t]{0,16},\s{0,100}){0,20}"[\w.\-]{1,100}"[ \t]*:[ \t]*"(?!LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS)` +
          `(?<${name}>` + r`[A-Za-z0-9+/]{10,8000}={0,3})"`,
      ),
    flags: 'i',
    minEntropy: 2.5,
    confidence: 'medium',
    paths: ['**/*.yaml', '**/*.yml', '**/*.json'],
    tags: ['kubernetes'],
    examples: {
      positive: [
        'apiVersion: v1\nkind: Secret\ndata:\n  password: UyFCXCpkJHpEc2I9\n',
        'apiVersion: v1\ndata:\n  extra: YWRtaW46cGFzc3dvcmQ=\nkind: secret\nmetadata:\n  name: x\n',
        // Entries before and after the one reported (cut short and repeated, the ReDoS guard's input for the
        // entries read past).
        'apiVersion: v1\ndata:\n  user: YWRtaW4=\n  password: cjRuZDBtUDRzc3cwcmQ5OA==\n  host: ZGIucHJvZC5pbnRlcm5hbA==\n  port: NTQzMg==\nkind: Secret\n',
        '{\n  "apiVersion": "v1",\n  "data": {\n    "user": "YWRtaW4=",\n    "password": "cjRuZDBtUDRzc3cwcmQ5OA==",\n    "host": "ZGIucHJvZC5pbnRlcm5hbA=="\n  },\n  "kind": "Secret"\n}',
      ],
      negative: ['apiVersion: v1\nkind: Secret\ndata:\n  htpasswd: ""\n', 'kind: ExternalSecret\nspec:\n  data:\n    - secretKey: api-key\n', 'apiVersion: v1\ndata:\n  extra: YmFyCg==\nkind: secret\n', 'kind: Secret\n---\nkind: ConfigMap\ndata:\n  key: c2VjcmV0L215c2VjcmV0\n'],
    },
  },
  {
    // A committed .p12/.pfx file is reported by the scanner on its bytes (keystore.ts: private key entries, and
    // whether an empty or trivial password opens it); this regex finds one written base64-encoded in a text file.
    id: 'pkcs12-private-key',
    title: 'PKCS #12 key store (.p12 / .pfx) with a private key',
    help: 'A PKCS #12 bundle holds a private key (and usually its certificate). Remove it from the repository, revoke or reissue the certificate, and keep the bundle in a secret store; an empty or default password protects nothing.',
    severity: 'high',
    keywords: ['mii'],
    regex: r`(?<![A-Za-z0-9+/])(?<secret>MII[A-Za-z0-9+/]{3}IBAzCC[A-Za-z0-9+/]{100,200000}={0,2})(?![A-Za-z0-9+/=])`,
    minEntropy: 4,
    tags: ['private-key', 'keystore'],
    examples: {
      positive: ['P12_BASE64=MIIJzwIBAzCCCYUGCSqGSIb3DQEHAaCCCXYEgglyMIIJbjCCA+IGCSqGSIb3DQEHBqCCA9MwggPPAgEAMIIDyAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhVtqTXJIt4uQICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEGRf'],
      negative: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0Z3VS5JJcds3xfn', 'cert: MIIDXTCCAkWgAwIBAgIJAKoK'],
    },
  },
  {
    // As above for Java key stores (JKS, JCEKS), whose base64 starts with the magic number (FEEDFEED, CECECECE).
    id: 'java-keystore-private-key',
    title: 'Java key store (JKS / JCEKS) with a private or secret key',
    help: 'A Java key store with a key entry is committed. Remove it, reissue the keys it holds, and keep the store in a secret store; a default password protects nothing.',
    severity: 'high',
    keywords: ['/u3+7q', 'zs7ozg'],
    regex: r`(?<![A-Za-z0-9+/])(?<secret>(?:/u3\+7Q|zs7Ozg)AAAA[IE][A-Za-z0-9+/]{100,200000}={0,2})(?![A-Za-z0-9+/=])`,
    minEntropy: 4,
    tags: ['private-key', 'keystore'],
    examples: {
      positive: ['keystore: "/u3+7QAAAAIAAAABAAAAAQABYQAAAaJP7dd7AAAFAzCCBP8wDgYKKwYBBAEqAhEBAQUABIIE6+ffmT+9cP+d4Bah/+SVH60E9daDD+XBJwjOpef0muR0UnURNsglUNlhB0JRdTElRK3kvRZi5tCpDpYt3c/2W70xvpDfAPD2TOcoGssTv+SH5B5BjDaurmi7qOUFF1ea"'],
      negative: ['/u3+7QAAAAI', 'zs7OzgAAAAIAAAAB'],
    },
  },
  {
    // Bouncy Castle key stores (BKS, UBER) as a file are read by the scanner (keystore.ts); written base64-encoded
    // in a text file they start with the store version (1 or 2) and the salt length, 20.
    id: 'bouncy-castle-keystore',
    title: 'Bouncy Castle key store (BKS / UBER) with a private or secret key',
    help: 'A Bouncy Castle key store (Android apps and Java services use BKS) with a key entry is committed. Remove it, reissue the keys it holds, and keep the store in a secret store; a default password protects nothing.',
    severity: 'high',
    keywords: ['aaaaagaaab', 'aaaaaqaaab'],
    regex: r`(?<![A-Za-z0-9+/])(?<secret>AAAAA[gQ]AAAB[QRST][A-Za-z0-9+/]{100,200000}={0,2})(?![A-Za-z0-9+/=])`,
    minEntropy: 4,
    tags: ['private-key', 'keystore'],
    examples: {
      positive: ['BKS_STORE=AAAAAgAAABQUo2yA6/TWtIiNhDA3UTYJ2xA0PQAABBoGMzf6+EBBcB9/K+WELrTwDwC3U35yNFdQfL1rD6NidZ9tes/993+7pDs4MZDEVxpKSvBSYYF+UES00iRODAOGj1eUbOqsTmTaNmlc055A0imd7BQ4KIm5cs1aFQmc2iblOzbekeSe81Et4z2yp3qcEDLFWWkkKT4='],
      negative: ['AAAAAgAAABQUo2yA6/TWtIiNhDA3', 'AAAAAwAAABQUo2yA6/TWtIiNhDA3UTYJ2xA0PQAABBoGMzf6+EBBcB9/K+WELrTwDwC3U35yNFdQfL1rD6NidZ9tes/993+7pDs4MZDEVxpKSvBSYYF+UES00iRODAOGj1eUbOqsTmTaNmlc055A0imd7BQ4KIm5cs1a'],
    },
  },
];
