import ts from './tslib.js';
import type * as TS from 'typescript';
import { calleeText, prop } from './ast-rule-util.js';
import type { FileLocation } from '../../../core/types.js';
import { hasNestedQuantifier } from '../redos.js';
import { EXTRA_AST_RULES } from './ast-rules-extra.js';
import { AUDIT_AST_RULES } from './ast-rules-audit.js';

export type { AstHit, AstRule, FileFacts } from './ast-rule-types.js';
import type { AstHit, AstRule, FileFacts } from './ast-rule-types.js';

const SECRETISH = /pass(word|wd)?|pwd|secret|token|nonce|salt|otp|session|api_?key|csrf|credential|auth|\bkey\b|(reset|verif\w*|confirm\w*|invit\w*|activat\w*|access|recovery|login|sms|email)_?code|\bpin\b|uuid|guid/i;

function strArg(c: TS.CallExpression | TS.NewExpression, i: number): string | undefined {
  const a = c.arguments?.[i];
  return a && ts.isStringLiteralLike(a) ? a.text : undefined;
}

const SECURITY_HEADER = /^(x-frame-options|content-security-policy|x-content-type-options|strict-transport-security|x-xss-protection)$/i;

function isHandSetSecurityHeader(c: TS.CallExpression, sf: TS.SourceFile): boolean {
  return /(^|\.)(setHeader|header|set)$/.test(calleeText(c, sf)) && SECURITY_HEADER.test(strArg(c, 0) ?? '');
}

const HAND_SET = new WeakMap<TS.SourceFile, { calls: TS.CallExpression[] }>();

/** The calls of a file that set a security header by hand, in source order (computed once a file). */
function handSetHeaders(sf: TS.SourceFile): { calls: TS.CallExpression[] } {
  let v = HAND_SET.get(sf);
  if (!v) {
    const calls: TS.CallExpression[] = [];
    const walk = (m: TS.Node): void => {
      if (ts.isCallExpression(m) && isHandSetSecurityHeader(m, sf)) calls.push(m);
      ts.forEachChild(m, walk);
    };
    walk(sf);
    v = { calls };
    HAND_SET.set(sf, v);
  }
  return v;
}

/**
 * Where a file makes its Express app: the first call of a name bound to `require('express')` or imported from
 * 'express' (`express()`), else the `require('express')` call or the import itself; undefined when neither is found.
 */
function expressAppNode(sf: TS.SourceFile): TS.Node | undefined {
  const names = new Set<string>();
  let load: TS.Node | undefined;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === 'express') {
      load ??= st;
      const cl = st.importClause;
      if (cl?.name) names.add(cl.name.text);
      if (cl?.namedBindings && ts.isNamespaceImport(cl.namedBindings)) names.add(cl.namedBindings.name.text);
    }
  }
  let app: TS.Node | undefined;
  const walk = (m: TS.Node): void => {
    if (app) return;
    const init = ts.isVariableDeclaration(m) && m.initializer && ts.isCallExpression(m.initializer) ? m.initializer : undefined;
    const spec = init && ts.isIdentifier(init.expression) && init.expression.text === 'require' ? init.arguments[0] : undefined;
    if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && init && spec && ts.isStringLiteralLike(spec) && spec.text === 'express') {
      names.add(m.name.text);
      load ??= init;
    } else if (ts.isCallExpression(m) && ts.isIdentifier(m.expression) && names.has(m.expression.text)) {
      app = m;
      return;
    }
    ts.forEachChild(m, walk);
  };
  walk(sf);
  return app ?? load;
}

/** Name of what a value is stored in: the variable, property or function around it. */
function holderName(n: TS.Node, sf: TS.SourceFile): string {
  for (let p: TS.Node | undefined = n.parent, i = 0; p && i < 8; p = p.parent, i++) {
    if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) return p.name.getText(sf);
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return p.left.getText(sf);
    if (ts.isFunctionDeclaration(p) || ts.isMethodDeclaration(p)) return p.name?.getText(sf) ?? '';
    if (ts.isReturnStatement(p)) continue;
    if (ts.isBlock(p) && p.parent && (ts.isFunctionDeclaration(p.parent) || ts.isMethodDeclaration(p.parent) || ts.isFunctionExpression(p.parent) || ts.isArrowFunction(p.parent))) {
      const fn = p.parent;
      if (fn.name) return fn.name.getText(sf);
      if (fn.parent && ts.isVariableDeclaration(fn.parent)) return fn.parent.name.getText(sf);
      return '';
    }
    if (ts.isBlock(p) || ts.isSourceFile(p)) return '';
  }
  return '';
}

/** The string an identifier is bound to when the file declares it `const NAME = '...'` (a hard-coded value), else undefined. */
function constString(e: TS.Expression, f: FileFacts): string | undefined {
  if (!ts.isIdentifier(e)) return undefined;
  const m = new RegExp(`\\bconst\\s+${e.text}\\s*(?::\\s*string\\s*)?=\\s*(['"\`])([^'"\`$]{4,})\\1\\s*[;\\n]`).exec(f.text);
  return m?.[2];
}

/** Whether a mode (`0o777`, `0777`, `'777'`, `511`) lets every user write. */
function worldWritable(e: TS.Expression): boolean {
  let v: number | undefined;
  if (ts.isNumericLiteral(e)) v = /^0[0-7]+$/.test(e.getText()) ? parseInt(e.getText().slice(1), 8) : Number(e.text);
  else if (ts.isStringLiteralLike(e) && /^0?[0-7]{3,4}$/.test(e.text)) v = parseInt(e.text, 8);
  return v !== undefined && !Number.isNaN(v) && (v & 0o002) !== 0;
}

/** Placeholder values that are not credentials. */
const PLACEHOLDER = /^(|x+|\*+|\.+|<[^>]*>|\$\{.*\}|\{\{.*\}\}|%\w+%|changeme|your[-_ ]?\w*|example|placeholder|dummy|redacted|null|undefined|none)$/i;

/** The request body, or a variable the enclosing function sets to it (`const data = req.body`). */
function isWholeBody(e: TS.Expression, f: FileFacts): boolean {
  const t = e.getText(f.sf).replace(/\s+/g, '');
  if (/^(req|request|ctx\.request|event)\.body$/.test(t)) return true;
  if (!ts.isIdentifier(e)) return false;
  let fn: TS.Node | undefined = e.parent;
  while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
  if (!fn) return false;
  return new RegExp(`\\b(const|let|var)\\s+${e.text}\\s*=\\s*(req|request|ctx\\.request)\\.body\\s*[;\\n]`).test(fn.getText(f.sf));
}

/** The whole query object of a request (`req.query`, or a variable set to it in its function). */
function isWholeQuery(e: TS.Expression, f: FileFacts): boolean {
  const t = e.getText(f.sf).replace(/\s+/g, '');
  if (/^(req|request|ctx\.request|ctx)\.query$/.test(t)) return true;
  if (!ts.isIdentifier(e)) return false;
  const init = localInit(e, f);
  return !!init && /^(req|request|ctx\.request|ctx)\.query$/.test(init.getText(f.sf).replace(/\s+/g, ''));
}

/** A value read from the request: `req.query.x`, or a variable its function sets to one (`const o = req.query.origin`). */
function fromRequest(e: TS.Expression, f: FileFacts): boolean {
  const REQ = /^(req|request|ctx\.request|ctx)\.(query|body|params|headers|cookies|get\(|header\()/;
  if (REQ.test(e.getText(f.sf).replace(/\s+/g, ''))) return true;
  if (!ts.isIdentifier(e)) return false;
  const init = localInit(e, f);
  return !!init && REQ.test(init.getText(f.sf).replace(/\s+/g, ''));
}

/** The initialiser of the `const`/`let` declaration an identifier refers to, found in the enclosing functions and the file. */
function localInit(id: TS.Identifier, f: FileFacts): TS.Expression | undefined {
  let found: TS.Expression | undefined;
  for (let scope: TS.Node | undefined = id.parent; scope && !found; scope = scope.parent) {
    if (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) continue;
    const visit = (m: TS.Node): void => {
      if (found) return;
      if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === id.text && m.initializer && m.getStart(f.sf) < id.getStart(f.sf)) found = m.initializer;
      else if (!(ts.isFunctionLike(m) && m !== scope)) ts.forEachChild(m, visit);
    };
    ts.forEachChild(scope, visit);
  }
  return found;
}

function isJwt(callee: string, f: FileFacts): boolean {
  if (/(^|\.)(jwt|jsonwebtoken|JWT|jsonWebToken)\.(verify|sign|decode)$/.test(callee) || (/^(verify|sign|decode)$/.test(callee) && f.imports.has('jsonwebtoken'))) return true;
  // any name the file binds to the module (`const jsonwt = require('jsonwebtoken')`, `import * as $jwt from 'jsonwebtoken'`)
  const m = /^([\w$]+)\.(verify|sign|decode)$/.exec(callee);
  return !!m && jwtModuleNames(f).has(m[1]!);
}

const jwtNames = new WeakMap<FileFacts, Set<string>>();
/** Names bound in the file to jsonwebtoken (or its `default`). */
function jwtModuleNames(f: FileFacts): Set<string> {
  let s = jwtNames.get(f);
  if (!s) {
    s = new Set();
    for (const m of f.text.matchAll(/(?:\b(?:const|let|var)\s+|,\s*)([\w$]+)\s*=\s*require\(\s*['"]jsonwebtoken['"]\s*\)|import\s+(?:\*\s+as\s+)?([\w$]+)\s+from\s+['"]jsonwebtoken['"]/g)) s.add((m[1] ?? m[2])!);
    jwtNames.set(f, s);
  }
  return s;
}

/** The key a signing call is given, unwrapped from key-object helpers (`JWK.asKey(k)`, `createSecretKey(k)`, `Buffer.from(k)`). */
function keyArg(k: TS.Expression | undefined, sf: TS.SourceFile): TS.Expression | undefined {
  while (k && ts.isCallExpression(k) && /(^|\.)(asKey|createSecretKey|from|encode)$/.test(calleeText(k, sf)) && k.arguments[0]) k = k.arguments[0];
  return k;
}

/** The right-hand side of the first assignment `<target> = ...` in the file (`this.secret = '...'`, `opts.key = '...'`). */
function assignedValue(target: string, f: FileFacts): TS.Expression | undefined {
  let found: TS.Expression | undefined;
  const visit = (m: TS.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.EqualsToken && m.left.getText(f.sf).replace(/\s+/g, '') === target) found = m.right;
    else ts.forEachChild(m, visit);
  };
  visit(f.sf);
  return found;
}

/** The object literal a name or property refers to (`const opts = {...}`, `this.options = {...}`), if the file sets one. */
function objectBinding(e: TS.Expression, f: FileFacts): TS.ObjectLiteralExpression | undefined {
  const v = ts.isIdentifier(e) ? (localInit(e, f) ?? assignedValue(e.text, f)) : ts.isPropertyAccessExpression(e) ? assignedValue(e.getText(f.sf).replace(/\s+/g, ''), f) : undefined;
  return v && ts.isObjectLiteralExpression(v) ? v : undefined;
}

/** A literal secret, or a name or property the file binds to one and never reassigns. */
function hardCoded(v: TS.Expression, f: FileFacts): boolean {
  if (literalSecret(v) || constString(v, f) !== undefined) return true;
  const target = ts.isIdentifier(v) || ts.isPropertyAccessExpression(v) ? v.getText(f.sf).replace(/\s+/g, '') : undefined;
  if (!target) return false;
  const init = (ts.isIdentifier(v) ? localInit(v, f) : undefined) ?? assignedValue(target, f);
  if (!init || !ts.isStringLiteralLike(init) || PLACEHOLDER.test(init.text)) return false;
  const writes = f.text.match(new RegExp(`(^|[^\\w.])${target.replace(/[.$]/g, '\\$&')}\\s*=[^=]`, 'g'))?.length ?? 0;
  return writes <= 1;
}

/** Asymmetric verification keys by name: public keys, certificates, PEM/JWK material. */
const PUBLIC_KEY = /pub(lic)?|cert|pem|jwks?\b|jwk|rsa|ecdsa|spki|x509/i;

/**
 * Whether a JWT verification key may be a public key (where HS/RS algorithm confusion applies): named like one, read
 * from a file, or a key-lookup callback (`getKey`, a JWKS client). A shared secret is not.
 */
function maybePublicKey(k: TS.Expression | undefined, f: FileFacts): boolean {
  if (!k) return false;
  if (ts.isFunctionLike(k)) return true;
  const text = k.getText(f.sf);
  if (PUBLIC_KEY.test(text) || /readFileSync|readFile\(|getKey|secretProvider/.test(text)) return true;
  const init = ts.isIdentifier(k) ? localInit(k, f) : undefined;
  return !!init && (ts.isFunctionLike(init) || PUBLIC_KEY.test(init.getText(f.sf)) || /readFileSync|readFile\(/.test(init.getText(f.sf)));
}

/** Whether a construct is declared in CDK code: the file imports the CDK and the construct's first argument is a scope. */
function cdkScope(n: TS.NewExpression, f: FileFacts): boolean {
  if (![...f.imports].some((m) => m === 'aws-cdk-lib' || m.startsWith('aws-cdk-lib/') || m.startsWith('@aws-cdk/'))) return false;
  return (n.arguments?.length ?? 0) >= 2;
}

/** Whether the receiver of a `x.decode` call is bound to the `jwt-simple` module. */
function fromJwtSimple(callee: string, f: FileFacts): boolean {
  if (!f.imports.has('jwt-simple')) return false;
  const recv = callee.split('.').slice(-2, -1)[0];
  return !!recv && new RegExp(`\\b${recv}\\s*=\\s*require\\(\\s*['"]jwt-simple['"]|import\\s+(\\*\\s+as\\s+)?${recv}\\s+from\\s+['"]jwt-simple['"]`).test(f.text);
}

/** A string literal, or a list of them, used as a key. */
function literalSecret(e: TS.Expression): boolean {
  if (ts.isStringLiteralLike(e)) return e.text.length > 0;
  return ts.isArrayLiteralExpression(e) && e.elements.length > 0 && e.elements.every((x) => ts.isStringLiteralLike(x) && x.text.length > 0);
}


/** The structural rules. Written for this project from the APIs' documentation. */
export const AST_RULES: AstRule[] = [
  {
    id: 'js-weak-hash', title: 'Weak hash for a secret', severity: 'medium', confidence: 'medium', cwe: ['CWE-328', 'CWE-916'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['createHash']),
    help: 'MD5/SHA-1 (and any fast unsalted hash) must not protect passwords or tokens. Use `crypto.scrypt`, argon2 or bcrypt for passwords and SHA-256+ or HMAC for tokens. Checksums of non-secret data are not reported.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !/(^|\.)createHash$/.test(calleeText(n, f.sf))) return;
      const alg = strArg(n, 0)?.toLowerCase();
      if (!alg || !/^(md5|md4|sha1|sha-1|ripemd160)$/.test(alg)) return;
      // look at the chain: createHash('md5').update(x) and where the result goes
      let top: TS.Node = n;
      while (top.parent && (ts.isPropertyAccessExpression(top.parent) || (ts.isCallExpression(top.parent) && top.parent.expression === top))) top = top.parent;
      const chain = top.getText(f.sf);
      const upd = /\.update\(([^)]*)\)/.exec(chain)?.[1] ?? '';
      const holder = holderName(top, f.sf);
      if (SECRETISH.test(upd) || SECRETISH.test(holder)) {
        report(n, `${alg.toUpperCase()} is used to hash a secret: use scrypt/argon2/bcrypt for passwords or SHA-256/HMAC for tokens.`);
        return;
      }
      // the digest stored as a password further on (`user.setPassword(digest)`, `user.password = digest`): reported
      // where it is stored
      if (!/^[\w$]+$/.test(holder)) return;
      let fn: TS.Node = n;
      while (fn.parent && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
      const stored = (m: TS.Node): TS.Node | undefined => {
        if (m.pos < top.end) return ts.forEachChild(m, stored);
        if (ts.isCallExpression(m) && /password/i.test(calleeText(m, f.sf).split('.').pop() ?? '') && m.arguments.some((a) => ts.isIdentifier(a) && a.text === holder)) return m;
        if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(m.left) && /password/i.test(m.left.name.text) && ts.isIdentifier(m.right) && m.right.text === holder) return m;
        return ts.forEachChild(m, stored);
      };
      const at = stored(fn);
      if (at) report(at, `An ${alg.toUpperCase()} digest is stored as a password: use scrypt/argon2/bcrypt.`);
    },
  },
  {
    id: 'js-weak-cipher', title: 'Weak or broken cipher', severity: 'high', confidence: 'high', cwe: ['CWE-327'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['createCipheriv', 'createDecipheriv', 'createCipher', 'createDecipher']),
    help: 'DES, 3DES, RC4, RC2, Blowfish and ECB mode are broken or leak patterns; `crypto.createCipher` derives keys without salt. Use `aes-256-gcm` (or chacha20-poly1305) with `createCipheriv` and a random IV.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (!/(^|\.)(createCipheriv|createDecipheriv|createCipher|createDecipher)$/.test(c)) return;
      const alg = strArg(n, 0)?.toLowerCase();
      if (alg && /(^|-)(des|des3|des-ede3?|rc4|rc2|bf|blowfish|cast5?)(-|$)|-ecb$|^des/.test(alg)) report(n, `Cipher '${alg}' is broken or leaks patterns: use aes-256-gcm.`);
      else if (/(^|\.)(createCipher|createDecipher)$/.test(c)) report(n, 'createCipher derives the key without salt or IV: use createCipheriv with a random IV.');
    },
  },
  {
    id: 'js-insecure-random', title: 'Insecure randomness for a secret', severity: 'medium', confidence: 'medium', cwe: ['CWE-338'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.PropertyAccessExpression],
    callNames: new Set(['random']),
    help: '`Math.random()` and `crypto.pseudoRandomBytes` are predictable. Generate tokens, passwords, salts and ids that grant access with `crypto.randomBytes`, `crypto.randomUUID` or `crypto.getRandomValues`.',
    visit(n, f, report) {
      // crypto.pseudoRandomBytes (deprecated): bytes that are not cryptographically strong, whatever they are used for
      if (ts.isPropertyAccessExpression(n)) {
        if (n.name.text === 'pseudoRandomBytes' && /^(crypto|\w*[cC]rypto)$/.test(n.expression.getText(f.sf))) report(n, 'crypto.pseudoRandomBytes is not cryptographically strong: use crypto.randomBytes.');
        return;
      }
      if (!ts.isCallExpression(n) || calleeText(n, f.sf) !== 'Math.random') return;
      const holder = holderName(n, f.sf);
      if (holder && SECRETISH.test(holder)) report(n, `Math.random() generates '${holder.slice(0, 40)}': use crypto.randomBytes or crypto.randomUUID.`);
    },
  },
  {
    id: 'js-jwt-verify-no-algorithms', title: 'JWT verified without pinning algorithms', severity: 'medium', confidence: 'medium', cwe: ['CWE-347'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['verify']),
    help: 'Pass `{ algorithms: [...] }` to `jwt.verify` when it checks tokens with a public key or certificate: otherwise a token signed with HS256 using that public key as the HMAC secret passes (the HS/RS confusion attack). Verifying with a shared secret is not affected (an unsigned or RSA-signed token cannot pass an HMAC check), so only public keys, certificates, key files and key callbacks are reported.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (!isJwt(c, f) || !c.endsWith('verify')) return;
      if (!maybePublicKey(n.arguments[1], f)) return;
      const opts = n.arguments[2];
      if (opts && ts.isFunctionLike(opts)) return report(n, 'jwt.verify is called without an algorithms list.');
      if (!opts) return report(n, 'jwt.verify is called without an algorithms list.');
      if (ts.isObjectLiteralExpression(opts) && !prop(opts, 'algorithms') && !opts.properties.some(ts.isSpreadAssignment)) report(n, 'jwt.verify options do not pin algorithms.');
    },
  },
  {
    id: 'js-jwt-none-algorithm', title: 'JWT "none" algorithm allowed', severity: 'critical', confidence: 'high', cwe: ['CWE-347'],
    kinds: [ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.CallExpression],
    help: 'Allowing `none` accepts unsigned tokens. Remove it from `algorithms`/`algorithm`, and verify with a real key (not jose\'s `JWK.None`).',
    visit(n, f, report) {
      // jose 1.x/2.x: verifying with the `None` key accepts unsigned tokens
      if (ts.isCallExpression(n)) {
        if (/(^|\.)verify$/.test(calleeText(n, f.sf)) && n.arguments[1] && /^(JWK\.)?None$/.test(n.arguments[1].getText(f.sf)) && f.imports.has('jose')) report(n, 'The token is verified with the None key: unsigned tokens pass.');
        return;
      }
      if (!ts.isPropertyAssignment(n) || !ts.isIdentifier(n.name) || !/^algorithms?$/.test(n.name.text)) return;
      const v = n.initializer;
      const vals = ts.isArrayLiteralExpression(v) ? v.elements : [v];
      if (vals.some((e) => ts.isStringLiteralLike(e) && e.text.toLowerCase() === 'none')) report(n, "JWT algorithm 'none' accepts unsigned tokens.");
      void f;
    },
  },
  {
    id: 'js-jwt-decode-without-verify', title: 'JWT decoded but never verified', severity: 'high', confidence: 'medium', cwe: ['CWE-345'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['decode']),
    help: '`jwt.decode` does not check the signature. Use `jwt.verify` before trusting claims; this rule fires when the code around the decode (its function and the functions it is written in) never verifies.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      // jwt-simple's decode(token, key, noVerify) checks the signature unless its third argument is truthy
      if (c.endsWith('.decode') && fromJwtSimple(c, f)) {
        const nv = n.arguments[2];
        if (!nv || [ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(nv.kind) || /^(0|undefined|''|"")$/.test(nv.getText(f.sf))) return;
        return report(n, 'jwt-simple decode is told not to verify the signature (its third argument is truthy).');
      }
      if (!isJwt(c, f) || !c.endsWith('decode')) return;
      if (f.hasJwtVerify && verifiedAround(n, f.sf)) return;
      report(n, 'jwt.decode trusts an unverified token: call jwt.verify.');
    },
  },
  {
    id: 'js-jwt-hardcoded-secret', title: 'Hard-coded JWT signing secret', severity: 'high', confidence: 'high', cwe: ['CWE-798'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['sign', 'verify']),
    help: 'A signing key in source code lets anyone who reads the code mint tokens. Load it from a secret store or the environment.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (!isJwt(c, f) || !/(sign|verify)$/.test(c)) return;
      const k = keyArg(n.arguments[1], f.sf);
      if (k && ((ts.isStringLiteralLike(k) && k.text.length > 0) || constString(k, f) !== undefined)) report(k, `jwt.${c.endsWith('sign') ? 'sign' : 'verify'} uses a hard-coded secret.`);
    },
  },
  {
    id: 'js-tls-verify-disabled', title: 'TLS certificate verification disabled', severity: 'high', confidence: 'high', cwe: ['CWE-295'],
    kinds: [ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.BinaryExpression],
    help: '`rejectUnauthorized: false`, `NODE_TLS_REJECT_UNAUTHORIZED=0` or `strictSSL: false` accept any certificate and allow man-in-the-middle attacks. Add the CA with `ca:` instead.',
    visit(n, f, report) {
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && /^(rejectUnauthorized|strictSSL|verifySsl|verify_ssl)$/.test(n.name.text) && n.initializer.kind === ts.SyntaxKind.FalseKeyword) {
        report(n, `${n.name.text}: false turns off certificate verification.`);
      }
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && /NODE_TLS_REJECT_UNAUTHORIZED/.test(n.left.getText(f.sf))) {
        const r = n.right;
        if ((ts.isStringLiteralLike(r) && r.text === '0') || (ts.isNumericLiteral(r) && r.text === '0')) report(n, 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate verification for the whole process.');
      }
    },
  },
  {
    id: 'js-insecure-cookie', title: 'Session cookie without Secure/HttpOnly', severity: 'medium', confidence: 'medium', cwe: ['CWE-614', 'CWE-1004'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.PropertyAssignment],
    help: 'Cookies that carry sessions or tokens need `secure: true` and `httpOnly: true` (and a `sameSite` value).',
    visit(n, f, report) {
      if (ts.isCallExpression(n) && /(^|\.)(res|response|reply|ctx\.cookies)\.(cookie|set|setCookie)$/.test(calleeText(n, f.sf)) && /cookie|setCookie|ctx\.cookies\.set/.test(calleeText(n, f.sf))) {
        const name = strArg(n, 0) ?? '';
        const opts = n.arguments[2];
        if (!opts && /sess|token|auth|jwt|sid|remember/i.test(name)) report(n, `Cookie '${name}' is set without secure/httpOnly options.`);
        if (opts && ts.isObjectLiteralExpression(opts)) {
          const sec = prop(opts, 'secure');
          const ho = prop(opts, 'httpOnly');
          if (sec?.kind === ts.SyntaxKind.FalseKeyword || ho?.kind === ts.SyntaxKind.FalseKeyword) report(n, `Cookie '${name || '?'}' is set with secure or httpOnly turned off.`);
        }
      }
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'cookie' && ts.isObjectLiteralExpression(n.initializer)) {
        const sec = prop(n.initializer, 'secure');
        const ho = prop(n.initializer, 'httpOnly');
        if (sec?.kind === ts.SyntaxKind.FalseKeyword || ho?.kind === ts.SyntaxKind.FalseKeyword) report(n, 'Session cookie options turn off secure or httpOnly.');
      }
    },
  },
  {
    id: 'js-permissive-cors', title: 'CORS allows any origin with credentials', severity: 'medium', confidence: 'medium', cwe: ['CWE-942'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['cors', 'setHeader', 'header', 'set', 'writeHead', 'setHeaders', 'register']),
    help: 'Reflecting any Origin (or `origin: true`/`*`) together with credentials lets every site read authenticated responses. List the allowed origins.',
    visit(n, f, report) {
      if (ts.isCallExpression(n) && /(^|\.)cors$/.test(calleeText(n, f.sf)) && n.arguments[0] && ts.isObjectLiteralExpression(n.arguments[0])) {
        const o = n.arguments[0];
        const origin = prop(o, 'origin');
        const cred = prop(o, 'credentials');
        const any = origin && (origin.kind === ts.SyntaxKind.TrueKeyword || (ts.isStringLiteralLike(origin) && origin.text === '*'));
        if (any && cred?.kind === ts.SyntaxKind.TrueKeyword) report(n, 'cors() allows every origin with credentials.');
      }
      if (ts.isCallExpression(n) && /(^|\.)(setHeader|header|set)$/.test(calleeText(n, f.sf)) && /^access-control-allow-origin$/i.test(strArg(n, 0) ?? '')) {
        const v = n.arguments[1];
        if (v && (/(headers?\.origin|header\(\s*['"]origin['"]\s*\)|get\(\s*['"]origin['"]\s*\))/i.test(v.getText(f.sf)) || fromRequest(v, f))) report(n, 'Access-Control-Allow-Origin reflects the request Origin.');
      }
      // the header in an object (`res.writeHead(200, { 'Access-Control-Allow-Origin': origin })`, `res.set({ ... })`)
      if (ts.isCallExpression(n) && /(^|\.)(writeHead|set|header|setHeaders)$/.test(calleeText(n, f.sf))) {
        for (const a of n.arguments) {
          if (!ts.isObjectLiteralExpression(a)) continue;
          const acao = a.properties.find((p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && /^access-control-allow-origin$/i.test(p.name.getText(f.sf).replace(/['"]/g, '')));
          if (acao && fromRequest(acao.initializer, f)) report(n, 'Access-Control-Allow-Origin is taken from the request.');
        }
      }
      // @fastify/cors registered for every origin with credentials
      if (ts.isCallExpression(n) && /(^|\.)register$/.test(calleeText(n, f.sf)) && n.arguments[0] && ts.isIdentifier(n.arguments[0]) && n.arguments[1] && ts.isObjectLiteralExpression(n.arguments[1])) {
        const id = n.arguments[0].text;
        if (!new RegExp(`\\b${id}\\s*=\\s*require\\(\\s*['"](@fastify/cors|fastify-cors)['"]|import\\s+${id}\\s+from\\s+['"](@fastify/cors|fastify-cors)['"]`).test(f.text)) return;
        const o = n.arguments[1];
        const origin = prop(o, 'origin');
        const any = origin && (origin.kind === ts.SyntaxKind.TrueKeyword || (ts.isStringLiteralLike(origin) && origin.text === '*'));
        if (any && prop(o, 'credentials')?.kind === ts.SyntaxKind.TrueKeyword) report(n, '@fastify/cors allows every origin with credentials.');
      }
    },
  },
  {
    id: 'js-express-no-helmet', title: 'Security headers set by hand instead of helmet', severity: 'low', confidence: 'low', cwe: ['CWE-693'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['setHeader', 'header', 'set']),
    help: 'This Express file sets security headers one by one and does not use `helmet`, so headers are easy to miss. Use `app.use(helmet())` and configure it.',
    visit(n, f, report) {
      if (f.imports.has('helmet') || !f.imports.has('express')) return;
      if (!ts.isCallExpression(n) || !isHandSetSecurityHeader(n, f.sf)) return;
      // one finding per app, where the app is made (`express()`): the smell is the app's, and the line that sets a
      // header to a strong value (`X-Frame-Options: DENY`) is itself safe; the header calls are named in the message
      const hand = handSetHeaders(f.sf);
      if (hand.calls[0] !== n) return;
      const names = [...new Set(hand.calls.map((c) => strArg(c, 0)!))].join(', ');
      report(expressAppNode(f.sf) ?? n, `Security headers are set by hand (${names}) in an Express app without helmet.`);
    },
  },
  {
    id: 'js-prototype-pollution-merge', title: 'Recursive merge without a __proto__ check', severity: 'high', confidence: 'medium', cwe: ['CWE-1321'],
    kinds: [ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration],
    help: 'A function that copies keys recursively (`target[key] = source[key]` and recursing into objects) without skipping `__proto__`, `constructor` and `prototype` lets JSON input pollute Object.prototype.',
    visit(n, f, report) {
      if (!(ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n)) || !n.body) return;
      const name = ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isFunctionExpression(n) ? n.name?.getText(f.sf) : ts.isVariableDeclaration(n.parent) ? n.parent.name.getText(f.sf) : undefined;
      if (!name) return;
      const body = n.body.getText(f.sf);
      if (/__proto__|['"](constructor|prototype)['"]|\.prototype\b|Object\.create\(null\)/.test(body)) return;
      const loopVars = new Set<string>();
      let write: TS.Node | undefined;
      const recursedInto: string[] = [];
      const walk = (m: TS.Node): void => {
        if ((ts.isForInStatement(m) || ts.isForOfStatement(m)) && ts.isVariableDeclarationList(m.initializer)) {
          for (const d of m.initializer.declarations) {
            if (ts.isIdentifier(d.name)) loopVars.add(d.name.text);
            else if (ts.isArrayBindingPattern(d.name)) for (const e of d.name.elements) if (ts.isBindingElement(e) && ts.isIdentifier(e.name)) loopVars.add(e.name.text);
          }
        }
        if (ts.isCallExpression(m) && /Object\.(keys|entries)\(/.test(m.expression.getText(f.sf)) && /\.(forEach|map)$/.test(m.expression.getText(f.sf))) {
          const cb = m.arguments[0];
          if (cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) && cb.parameters[0] && ts.isIdentifier(cb.parameters[0].name)) loopVars.add(cb.parameters[0].name.text);
        }
        if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(m.left) && ts.isIdentifier(m.left.argumentExpression) && loopVars.has(m.left.argumentExpression.text)) {
          if (!write || (!ts.isElementAccessExpression((write as TS.BinaryExpression).right) && ts.isElementAccessExpression(m.right))) write = m;
        }
        if (ts.isCallExpression(m) && m.expression.getText(f.sf).replace(/^this\./, '') === name) {
          for (const a of m.arguments) if (ts.isElementAccessExpression(a) && ts.isIdentifier(a.argumentExpression) && loopVars.has(a.argumentExpression.text)) recursedInto.push(a.expression.getText(f.sf));
        }
        ts.forEachChild(m, walk);
      };
      walk(n.body);
      // recursing into the written object's own entry (`merge(dst[key], src[key])`): a deep clone into a fresh object
      // only replaces that new object's prototype
      const written = write ? ((write as TS.BinaryExpression).left as TS.ElementAccessExpression).expression.getText(f.sf) : '';
      if (!write || !recursedInto.includes(written)) return;
      // `target.hasOwnProperty(key)` before recursing guards; the same check on the source does not (a parsed JSON
      // object owns its `__proto__` key)
      const target = ((write as TS.BinaryExpression).left as TS.ElementAccessExpression).expression.getText(f.sf).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (new RegExp(`${target}\\.hasOwnProperty\\(|hasOwnProperty\\.call\\(\\s*${target}\\b|Object\\.hasOwn\\(\\s*${target}\\b`).test(body)) return;
      report(write, `${name}() merges keys recursively without rejecting __proto__/constructor.`);
    },
  },
  {
    id: 'js-postmessage-any-origin', title: 'postMessage to any origin', severity: 'medium', confidence: 'medium', cwe: ['CWE-201'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['postMessage']),
    help: "`win.postMessage(data, '*')` delivers the data to whatever page is loaded in that window, including an attacker's. Name the target origin.",
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || n.arguments.length < 2) return;
      // posting to the program's own window (a setImmediate shim) reaches no other origin
      if (/^(window|self|globalThis|this)\.postMessage$/.test(calleeText(n, f.sf))) return;
      if (strArg(n, 1) === '*') report(n, "postMessage sends to any origin ('*'): name the target origin.");
    },
  },
  {
    id: 'js-message-handler-no-origin-check', title: 'Message handler without an origin check', severity: 'medium', confidence: 'medium', cwe: ['CWE-346'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.BinaryExpression],
    help: "A window `message` handler receives messages from every page that holds a reference to the window. Check `event.origin` against the origins you expect before using `event.data`.",
    visit(n, f, report) {
      let handler: TS.Node | undefined;
      if (ts.isCallExpression(n) && /^((window|self|top|globalThis)\.)?addEventListener$/.test(calleeText(n, f.sf)) && strArg(n, 0) === 'message') handler = n.arguments[1];
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(window|self)\.onmessage$/.test(n.left.getText(f.sf))) handler = n.right;
      // a handler passed by name: the function declared (or stored in a const) in the file
      if (handler && ts.isIdentifier(handler)) {
        const name = handler.text;
        let found: TS.Node | undefined;
        const find = (m: TS.Node): void => {
          if (found) return;
          if (ts.isFunctionDeclaration(m) && m.name?.text === name) found = m;
          else if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name && m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer))) found = m.initializer;
          else ts.forEachChild(m, find);
        };
        find(f.sf);
        handler = found;
      }
      if (!handler || !(ts.isArrowFunction(handler) || ts.isFunctionExpression(handler) || ts.isFunctionDeclaration(handler)) || handler.parameters.length === 0 || !handler.body) return;
      if (!/\.(origin|source)\b|\borigin\s*[,}]/.test(handler.body.getText(f.sf))) report(n, 'The message handler uses the message without checking event.origin.');
    },
  },
  {
    id: 'js-redos-literal', title: 'Regular expression with catastrophic backtracking', severity: 'medium', confidence: 'medium', cwe: ['CWE-1333'],
    kinds: [ts.SyntaxKind.RegularExpressionLiteral, ts.SyntaxKind.NewExpression],
    help: 'A quantified group that itself contains a quantifier (`(a+)+`, `(\\w+\\s?)*`) backtracks exponentially on a near-match, so one crafted string blocks the event loop. Rewrite it without nested quantifiers, or bound the input length first.',
    visit(n, f, report) {
      let src: string | undefined;
      if (ts.isRegularExpressionLiteral(n)) src = n.text.slice(1, n.text.lastIndexOf('/'));
      else if (ts.isNewExpression(n) && n.expression.getText(f.sf) === 'RegExp') src = strArg(n, 0);
      if (src !== undefined && hasNestedQuantifier(src)) report(n, `/${src.slice(0, 60)}/ nests quantifiers and can backtrack exponentially.`);
    },
  },
  {
    id: 'js-hardcoded-session-secret', title: 'Hard-coded session or token secret', severity: 'high', confidence: 'high', cwe: ['CWE-798'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression],
    callNames: new Set(['session', 'expressSession', 'cookieSession', 'Strategy', 'JwtStrategy', 'createHmac', 'cookieParser', 'expressjwt', 'expressJwt', 'jwt']),
    help: 'express-session and cookie-session secrets, passport-jwt `secretOrKey`, express-jwt secrets, cookie-parser secrets and HMAC keys written in the source let anyone who reads the code forge sessions and tokens. Load them from a secret store or the environment.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return;
      const c = calleeText(n, f.sf);
      const last = c.split('.').pop() ?? '';
      if (last === 'createHmac' || last === 'cookieParser') {
        const k = n.arguments?.[last === 'createHmac' ? 1 : 0];
        if (k && (literalSecret(k) || constString(k, f) !== undefined)) report(k, `${last} uses a hard-coded key.`);
        return;
      }
      if (last === 'jwt' && !f.imports.has('express-jwt')) return;
      const strategy = /Strategy$/.test(last);
      if (ts.isNewExpression(n) !== strategy) return;
      const a0 = n.arguments?.[0];
      if (!a0) return;
      // the options inline, or in a variable / property the file sets to an object literal
      const o = ts.isObjectLiteralExpression(a0) ? a0 : objectBinding(a0, f);
      const keys = strategy ? ['secretOrKey', 'clientSecret', 'consumerSecret', 'secret'] : ['secret', 'secretOrKey', 'keys', 'secretOrPrivateKey'];
      if (o) {
        for (const key of keys) {
          const v = prop(o, key);
          if (v && hardCoded(v, f)) return report(strategy ? (o === a0 ? o : n) : v, `${last}() is configured with a hard-coded ${key}.`);
        }
      }
      // properties set one by one (`opts.clientSecret = '...'`)
      if (ts.isIdentifier(a0)) {
        for (const key of keys) {
          const v = assignedValue(`${a0.text}.${key}`, f);
          if (v && hardCoded(v, f)) return report(n, `${last}() is configured with a hard-coded ${key}.`);
        }
      }
    },
  },
  {
    id: 'js-static-iv', title: 'Cipher with a constant IV or nonce', severity: 'high', confidence: 'medium', cwe: ['CWE-329'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['createCipheriv']),
    help: 'Reusing an IV (CBC) or nonce (GCM, CTR) with the same key leaks plaintext and, for GCM, the authentication key. Generate a fresh `crypto.randomBytes(12 or 16)` for every encryption and store it beside the ciphertext.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const arg = n.arguments[2];
      if (!arg) return;
      // `const iv = Buffer.alloc(16, 0)` earlier in the function or file
      const iv = (ts.isIdentifier(arg) && localInit(arg, f)) || arg;
      const t = iv.getText(f.sf).replace(/\s+/g, '');
      if (ts.isStringLiteralLike(iv) || /^Buffer\.(alloc\(\d+(,0)?\)|from\((['"`][^'"`]*['"`]|\[[\d,x\sa-fA-F]*\])(,['"`]\w+['"`])?\))$/.test(t) || /^new(Uint8Array|Buffer)\(\d+\)$/.test(t)) report(arg, 'The IV/nonce is a constant: generate a random one per message.');
    },
  },
  {
    id: 'js-cdk-public-bucket', title: 'AWS CDK bucket open to the public or unencrypted', severity: 'high', confidence: 'medium', cwe: ['CWE-732', 'CWE-311'],
    kinds: [ts.SyntaxKind.NewExpression, ts.SyntaxKind.CallExpression],
    help: 'An S3 bucket declared with `publicReadAccess: true`, `BlockPublicAccess` turned off, made public with `grantPublicAccess()`, or declared unencrypted (`BucketEncryption.UNENCRYPTED`, or `UNMANAGED` with CDK v1) exposes or stores data in the clear. Keep public access blocked and use S3-managed or KMS encryption.',
    visit(n, f, report) {
      // bucket.grantPublicAccess(): reported where the bucket is declared
      if (ts.isCallExpression(n)) {
        if (!ts.isPropertyAccessExpression(n.expression) || n.expression.name.text !== 'grantPublicAccess' || !ts.isIdentifier(n.expression.expression)) return;
        const decl = localInit(n.expression.expression, f);
        if (decl && ts.isNewExpression(decl) && /(^|\.)Bucket$/.test(decl.expression.getText(f.sf))) report(decl, `Bucket ${n.expression.expression.text} is made public with grantPublicAccess().`);
        return;
      }
      if (!ts.isNewExpression(n) || !/(^|\.)Bucket$/.test(n.expression.getText(f.sf)) || !cdkScope(n, f)) return;
      const o = n.arguments?.[2];
      const v1 = f.imports.has('@aws-cdk/aws-s3');
      if (!o || !ts.isObjectLiteralExpression(o)) return;
      // one finding per bucket, at its declaration, naming every problem
      const problems: string[] = [];
      const pub = prop(o, 'publicReadAccess');
      if (pub?.kind === ts.SyntaxKind.TrueKeyword) problems.push('grants public read access');
      const enc = prop(o, 'encryption');
      if (enc && (/UNENCRYPTED$/.test(enc.getText(f.sf)) || (v1 && /UNMANAGED$/.test(enc.getText(f.sf))))) problems.push('is not encrypted at rest');
      const bpa = prop(o, 'blockPublicAccess');
      if (bpa && /BLOCK_NONE$|blockPublicAcls:\s*false/.test(bpa.getText(f.sf))) problems.push('has public access blocking turned off');
      if (problems.length) report(n, `The bucket ${problems.join(' and ')}.`);
    },
  },
  {
    id: 'js-cdk-bucket-no-tls', title: 'AWS CDK bucket does not require TLS', severity: 'low', confidence: 'medium', cwe: ['CWE-319'],
    kinds: [ts.SyntaxKind.NewExpression],
    help: 'With `enforceSSL: false` the bucket policy does not deny plain-HTTP requests, so objects can be read or written over an unencrypted connection. Set `enforceSSL: true`.',
    visit(n, f, report) {
      if (!ts.isNewExpression(n) || !/(^|\.)Bucket$/.test(n.expression.getText(f.sf)) || !cdkScope(n, f)) return;
      const o = n.arguments?.[2];
      const tls = o && ts.isObjectLiteralExpression(o) ? prop(o, 'enforceSSL') : undefined;
      if (tls?.kind === ts.SyntaxKind.FalseKeyword) report(n, 'The bucket accepts requests over plain HTTP (enforceSSL: false).');
    },
  },
  {
    id: 'js-cdk-unencrypted-storage', title: 'AWS CDK database, volume or queue unencrypted or public', severity: 'high', confidence: 'medium', cwe: ['CWE-311', 'CWE-284'],
    kinds: [ts.SyntaxKind.NewExpression],
    help: 'An RDS instance or cluster (unencrypted unless `storageEncrypted` or a key is given), EFS file system, EBS volume or SQS queue declared with encryption turned off (or, for CDK v1 queues, left at the unencrypted default) stores data in the clear; an RDS instance with `publiclyAccessible: true` is reachable from the internet. Turn encryption on and keep databases in private subnets.',
    visit(n, f, report) {
      if (!ts.isNewExpression(n) || !cdkScope(n, f)) return;
      const c = n.expression.getText(f.sf);
      const kind = /(?:^|\.)(DatabaseInstance|DatabaseCluster|ServerlessCluster|FileSystem|Volume|Queue|CfnDBInstance|CfnDBCluster)$/.exec(c)?.[1];
      if (!kind) return;
      const o = n.arguments?.[2];
      const v1Queue = kind === 'Queue' && f.imports.has('@aws-cdk/aws-sqs');
      if (!o || !ts.isObjectLiteralExpression(o)) {
        if (v1Queue) report(n, 'The queue is not encrypted (CDK v1 queues have no encryption by default).');
        return;
      }
      if (o.properties.some(ts.isSpreadAssignment)) return;
      // one finding per resource, at its declaration, naming every problem
      const problems: string[] = [];
      for (const key of ['storageEncrypted', 'encrypted']) {
        const v = prop(o, key);
        if (v?.kind === ts.SyntaxKind.FalseKeyword) problems.push(`is declared with ${key}: false`);
      }
      if ((kind === 'DatabaseInstance' || kind === 'DatabaseCluster') && !prop(o, 'storageEncrypted') && !prop(o, 'storageEncryptionKey') && !prop(o, 'snapshotIdentifier')) {
        problems.push('has unencrypted storage (storageEncrypted is not set)');
      }
      const enc = prop(o, 'encryption');
      if ((enc && /UNENCRYPTED$/.test(enc.getText(f.sf))) || (v1Queue && !enc && !prop(o, 'encryptionMasterKey'))) problems.push('is not encrypted');
      const pub = prop(o, 'publiclyAccessible');
      if (pub?.kind === ts.SyntaxKind.TrueKeyword) problems.push('is publicly accessible');
      if (problems.length) report(n, `${kind} ${problems.join(' and ')}.`);
    },
  },
  {
    id: 'js-cdk-public-build-badge', title: 'AWS CDK CodeBuild project with a public badge', severity: 'low', confidence: 'medium', cwe: ['CWE-200'],
    kinds: [ts.SyntaxKind.NewExpression],
    help: 'A CodeBuild `badge` is served from a public URL that anyone can load, revealing the project and its build status (and, for private repositories, that they exist). Leave `badge` off for private projects.',
    visit(n, f, report) {
      if (!ts.isNewExpression(n) || !/(^|\.)Project$/.test(n.expression.getText(f.sf)) || !cdkScope(n, f)) return;
      const o = n.arguments?.[2];
      if (o && ts.isObjectLiteralExpression(o) && prop(o, 'badge')?.kind === ts.SyntaxKind.TrueKeyword) report(n, 'The build project publishes a public badge.');
    },
  },
  {
    id: 'js-cdk-open-ingress', title: 'AWS CDK security group open to the internet on an admin port', severity: 'high', confidence: 'medium', cwe: ['CWE-284'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['addIngressRule', 'allowFrom', 'allowDefaultPortFrom']),
    help: 'An ingress rule from `Peer.anyIpv4()`/`anyIpv6()` to SSH, RDP or a database port (or to all ports) lets the whole internet try to log in. Restrict the peer to known ranges or use a bastion / SSM.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const [peer, port] = n.arguments;
      if (!peer || !/Peer\.any(Ipv4|Ipv6)\(\)$/.test(peer.getText(f.sf))) return;
      const p = port?.getText(f.sf).replace(/\s+/g, '') ?? '';
      if (!port || /allTraffic\(\)|allTcp\(\)|tcp\((22|3389|3306|5432|1433|27017|6379|9200|2375|5984)\)|SSH|RDP/.test(p)) report(n, `Ingress from anywhere to ${p || 'the default port'}.`);
    },
  },
  {
    id: 'js-file-permissions', title: 'World-writable file permissions', severity: 'medium', confidence: 'medium', cwe: ['CWE-732'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['chmod', 'chmodSync', 'fchmod', 'fchmodSync', 'lchmod', 'lchmodSync', 'writeFile', 'writeFileSync', 'mkdir', 'mkdirSync', 'open', 'openSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'umask', 'outputFile', 'outputFileSync', 'ensureDir', 'ensureDirSync', 'mkdirp']),
    help: 'A file or directory created or changed with a mode that lets every user write (`0o777`, `0o666`, `umask(0)`) can be replaced or altered by any local account. Use `0o600`/`0o700` (or `0o644`/`0o755` for public read).',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      const last = c.split('.').pop() ?? '';
      if (last === 'umask') {
        const a = n.arguments[0];
        if (a && /^process\.umask$/.test(c) && ts.isNumericLiteral(a) && Number(a.text) === 0) report(n, 'process.umask(0) makes every file the process creates world-writable.');
        return;
      }
      if (/chmod/.test(last)) {
        const a = n.arguments[1];
        if (a && worldWritable(a)) report(n, `${last} grants write access to every user (${a.getText(f.sf)}).`);
        return;
      }
      if (!/^(fs|fsp|fse|fs\.promises|fsExtra|promises)\.|^(writeFile|writeFileSync|mkdir|mkdirSync|open|openSync|appendFile|appendFileSync|createWriteStream|outputFile|outputFileSync|ensureDir|ensureDirSync|mkdirp)$/.test(c)) return;
      for (const a of n.arguments) {
        if (ts.isObjectLiteralExpression(a)) {
          const m = prop(a, 'mode');
          if (m && worldWritable(m)) report(n, `${last} creates a world-writable ${/mkdir|ensureDir/.test(last) ? 'directory' : 'file'} (mode ${m.getText(f.sf)}).`);
        } else if (ts.isNumericLiteral(a) && a !== n.arguments[0] && /open/.test(last) && worldWritable(a)) report(n, `${last} creates a world-writable file (mode ${a.getText(f.sf)}).`);
      }
    },
  },
  {
    id: 'js-hardcoded-credentials', title: 'Hard-coded password or credential', severity: 'high', confidence: 'medium', cwe: ['CWE-798', 'CWE-259'],
    kinds: [ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.VariableDeclaration],
    help: 'A password, API key or client secret written in the source (a `password:` option of a database or mail client, credentials inside a connection URL, a `const DB_PASSWORD = "..."`) is known to everyone who can read the code and cannot be rotated without a release. Read it from the environment or a secret store.',
    visit(n, f, report) {
      if (ts.isPropertyAssignment(n)) {
        const key = n.name.getText(f.sf).replace(/['"]/g, '');
        const v = n.initializer;
        if (!ts.isStringLiteralLike(v) || PLACEHOLDER.test(v.text.trim())) return;
        if (/^(password|passwd|pwd|pass|db_?password|client_?secret|secret_?access_?key|private_?key|api_?key|apikey|access_?token|auth_?token|secret)$/i.test(key)) {
          // inside a call's options or a config object, not a form label or a schema description
          if (v.text.length < 3 || /\s/.test(v.text.trim()) || /^(string|text|password|secret|hidden|required|[a-z]+\.[a-z.]+)$/i.test(v.text)) return;
          report(n, `'${key}' is a hard-coded credential.`);
        }
        return;
      }
      if (ts.isVariableDeclaration(n)) {
        if (!ts.isIdentifier(n.name) || !n.initializer || !ts.isStringLiteralLike(n.initializer)) return;
        const name = n.name.text;
        const v = n.initializer.text;
        if (!/(^|_|[a-z])(password|passwd|pwd|secret|secretkey|apikey|api_key|clientsecret|privatekey|accesstoken|authtoken)$/i.test(name)) return;
        if (v.length < 6 || /\s/.test(v) || PLACEHOLDER.test(v) || /^[A-Z][A-Za-z]*(-[A-Z][A-Za-z]*)+$/.test(v) || /^[a-z_]+$/.test(v) && /pass|secret|key|token/i.test(v) || /^(https?:)?\//.test(v)) return;
        report(n, `${name} is a hard-coded credential.`);
        return;
      }
      if (ts.isStringLiteralLike(n)) {
        const m = /^[a-z][a-z0-9+.-]*:\/\/([^:/@\s]+):([^@/\s]+)@/i.exec(n.text);
        if (m && !PLACEHOLDER.test(m[2]!) && !/^(\$|%|\{)/.test(m[2]!) && !/^(pass(word)?|pwd|secret|\w*_?password)$/i.test(m[2]!)) report(n, 'The URL carries a hard-coded password.');
      }
    },
  },
  {
    id: 'js-error-exposure', title: 'Stack trace or error object sent to the client', severity: 'low', confidence: 'medium', cwe: ['CWE-209'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.BinaryExpression],
    help: 'Sending `err.stack` (or the whole error) in a response tells an attacker file paths, library versions and query text. Log the error on the server and answer with a generic message and an id.',
    visit(n, f, report) {
      let args: readonly TS.Expression[] = [];
      if (ts.isCallExpression(n) && /^(res|response|reply|h)(\.\w+\([^)]*\))*\.(send|json|write|end|jsonp|render|response|code)$/.test(calleeText(n, f.sf))) args = n.arguments;
      else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^ctx\.(body|response\.body)$/.test(n.left.getText(f.sf))) args = [n.right];
      else return;
      for (const a of args) {
        const t = a.getText(f.sf);
        if (/\b(err|error|e|ex|exception|er)\.stack\b/.test(t)) return report(n, 'The response includes a stack trace.');
        if (ts.isIdentifier(a) && /^(err|error|e|ex|exception)$/.test(a.text) && isCaughtError(a, f) && !/\.json$/.test(calleeText(n as TS.CallExpression, f.sf))) return report(n, 'The response includes the raw error object.');
      }
    },
  },
  {
    id: 'js-mass-assignment', title: 'Request body stored without choosing fields (mass assignment)', severity: 'medium', confidence: 'medium', cwe: ['CWE-915'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression],
    callNames: new Set(['create', 'build', 'insert', 'insertOne', 'insertMany', 'bulkCreate', 'assign', 'extend', 'set', 'update', 'save', 'upsert', 'merge', 'findByIdAndUpdate', 'findOneAndUpdate', 'updateOne', 'createQueryBuilder']),
    help: 'Passing the whole request body to an ORM (`User.create(req.body)`, `new User(req.body)`, `Object.assign(user, req.body)`) lets a client set fields it must not, such as `isAdmin` or `ownerId`. Pick the allowed fields (`const { name, email } = req.body`) or validate with a schema that strips unknown keys.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return;
      const c = calleeText(n, f.sf);
      const a = n.arguments ?? [];
      if (ts.isNewExpression(n)) {
        if (/^([A-Z]\w*|models?\.\w+|db\.\w+)$/.test(c) && !/^(Error|\w*Error|Date|URL|Map|Set|Promise|Buffer|RegExp|Array|Object|URLSearchParams|Response|Request|Headers|Blob|File|FormData)$/.test(c) && a[0] && isWholeBody(a[0], f)) report(n, `new ${c}() is built from the whole request body.`);
        return;
      }
      const last = c.split('.').pop() ?? '';
      const recv = c.slice(0, c.length - last.length - 1);
      if (/^(Object|_|lodash)$/.test(recv) && /^(assign|extend)$/.test(last)) {
        // the whole body or query object (the query parser gives nested objects too), alone or as the value of a
        // key of a literal (`Object.assign(defaults, { prefs: req.query })` replaces that key's object wholesale)
        const whole = (x: TS.Expression): boolean => isWholeBody(x, f) || isWholeQuery(x, f);
        const copied = a.slice(1).some((x) => whole(x) || (ts.isObjectLiteralExpression(x) && x.properties.some((p) => (ts.isPropertyAssignment(p) && whole(p.initializer)) || (ts.isShorthandPropertyAssignment(p) && whole(p.name)) || (ts.isSpreadAssignment(p) && whole(p.expression)))));
        if (a[0] && !ts.isObjectLiteralExpression(a[0]) && copied) report(n, `${c}() copies a whole request object onto ${a[0].getText(f.sf).slice(0, 40)}.`);
        return;
      }
      if (/^(create|build|insert|insertOne|insertMany|bulkCreate|upsert)$/.test(last) && /^([A-Z]\w*|models?\.\w+|db\.\w+|prisma\.\w+|\w+Repository|\w+Model|repo|repository|this\.\w+(Repository|Model|Repo))$/.test(recv)) {
        if (a[0] && (isWholeBody(a[0], f) || (ts.isObjectLiteralExpression(a[0]) && a[0].properties.some((p) => (ts.isSpreadAssignment(p) && isWholeBody(p.expression, f)) || (ts.isPropertyAssignment(p) && p.name.getText(f.sf) === 'data' && isWholeBody(p.initializer, f)))))) report(n, `${c}() stores the whole request body.`);
        return;
      }
      if (/^(update|set)$/.test(last) && /^([A-Z]\w*|user|doc|record|model|this\.\w+)$/.test(recv) && a[0] && isWholeBody(a[0], f)) report(n, `${c}() writes every field of the request body.`);
    },
  },
  {
    id: 'js-weak-key', title: 'Key too short or key derivation too weak', severity: 'medium', confidence: 'medium', cwe: ['CWE-326', 'CWE-916', 'CWE-760'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['generateKeyPair', 'generateKeyPairSync', 'pbkdf2', 'pbkdf2Sync', 'createDiffieHellman', 'hash', 'hashSync', 'genSalt', 'genSaltSync', 'NodeRSA']),
    help: 'RSA/DSA/DH keys under 2048 bits can be factored; PBKDF2 with few iterations (under 10,000), a constant salt or MD5/SHA-1, and bcrypt with a cost under 10, make stolen password hashes cheap to crack. Use 2048+ (3072 for long-lived) bit keys, PBKDF2 with 600,000 SHA-256 iterations and a random salt, or bcrypt cost 12 / scrypt / argon2.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      const last = c.split('.').pop() ?? '';
      const num = (e: TS.Expression | undefined): number | undefined => (e && ts.isNumericLiteral(e) ? Number(e.text) : undefined);
      if (/^generateKeyPair(Sync)?$/.test(last)) {
        const o = n.arguments[1];
        if (!o || !ts.isObjectLiteralExpression(o)) return;
        const bitsLen = num(prop(o, 'modulusLength')) ?? num(prop(o, 'primeLength'));
        if (bitsLen !== undefined && bitsLen < 2048) report(n, `A ${bitsLen}-bit key is too short: use 2048 bits or more.`);
        const curve = prop(o, 'namedCurve');
        if (curve && ts.isStringLiteralLike(curve) && /^(secp1[0-9]{2}[kr]1|prime192v1|secp192k1|sect1[0-9]{2})/.test(curve.text)) report(n, `Curve ${curve.text} is too small.`);
        return;
      }
      if (last === 'createDiffieHellman') {
        const b = num(n.arguments[0]);
        if (b !== undefined && b < 2048) report(n, `A ${b}-bit Diffie-Hellman prime is too short.`);
        return;
      }
      if (/^pbkdf2(Sync)?$/.test(last)) {
        const [, salt, it, , digest] = n.arguments;
        const iters = num(it);
        if (iters !== undefined && iters < 10000) return report(n, `PBKDF2 with ${iters} iterations is fast to brute-force.`);
        if (salt && (ts.isStringLiteralLike(salt) || constString(salt, f) !== undefined)) return report(n, 'PBKDF2 uses a constant salt.');
        if (digest && ts.isStringLiteralLike(digest) && /^(md5|sha1|sha-1)$/i.test(digest.text)) report(n, `PBKDF2 with ${digest.text} is weak.`);
        return;
      }
      if (/^(hash|hashSync|genSalt|genSaltSync)$/.test(last) && /(^|\.)(bcrypt|bcryptjs)$/.test(c.slice(0, c.length - last.length - 1))) {
        const r = num(n.arguments[last.startsWith('gen') ? 0 : 1]);
        if (r !== undefined && r < 10) report(n, `bcrypt cost ${r} is too low: use 10 or more.`);
      }
      // node-argon2 with the data-dependent (argon2d) or the weaker time-memory trade-off (argon2i) variant: RFC 9106
      // recommends argon2id for passwords. Options inline or in a name bound to a literal.
      if (last === 'hash' && /(^|\.)argon2$/.test(c.slice(0, c.length - last.length - 1)) && f.imports.has('argon2')) {
        let o = n.arguments[1];
        if (o && ts.isIdentifier(o)) o = localInit(o, f);
        const type = o && ts.isObjectLiteralExpression(o) ? prop(o, 'type')?.getText(f.sf) : undefined;
        if (type && /(^|\.)argon2(i|d)$/.test(type)) report(n, `${type.split('.').pop()} is used to hash passwords: use argon2id.`);
      }
    },
  },
  {
    id: 'js-react-unsanitized-html', title: 'HTML rendered from a non-constant value without sanitising', severity: 'medium', confidence: 'low', cwe: ['CWE-79'],
    kinds: [ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.JsxAttribute],
    help: '`dangerouslySetInnerHTML={{ __html: value }}` (and Vue `v-html` in an inline template) writes the value as HTML. When the value can come from users (props, API data) this is cross-site scripting. Sanitise it with DOMPurify (`{ __html: DOMPurify.sanitize(value) }`) or render it as text.',
    visit(n, f, report) {
      // `dangerouslySetInnerHTML={markup()}`: an object built elsewhere (a helper returning `{ __html }`)
      if (ts.isJsxAttribute(n)) {
        const e = n.initializer && ts.isJsxExpression(n.initializer) ? n.initializer.expression : undefined;
        if (n.name.getText(f.sf) !== 'dangerouslySetInnerHTML' || !e || ts.isObjectLiteralExpression(e)) return;
        if (/sanitiz|purif|escape|xss|DOMPurify/i.test(e.getText(f.sf))) return;
        if (ts.isIdentifier(e) && /^[A-Z][A-Z0-9_]+$/.test(e.text)) return;
        return report(n, 'dangerouslySetInnerHTML renders markup built elsewhere, without sanitising it here.');
      }
      if (!ts.isPropertyAssignment(n)) return;
      const key = n.name.getText(f.sf).replace(/['"]/g, '');
      const v = n.initializer;
      if (key === 'template' && ts.isStringLiteralLike(v) && /\bv-html\s*=\s*["'][^"']+["']/.test(v.text)) return report(n, 'The inline Vue template renders a value with v-html.');
      if (key !== '__html') return;
      if (ts.isStringLiteralLike(v) || ts.isNumericLiteral(v)) return;
      const t = v.getText(f.sf);
      if (/sanitiz|purif|escape|xss|clean|safe|encode|DOMPurify/i.test(t)) return;
      if (ts.isTemplateExpression(v) && v.templateSpans.every((sp) => ts.isNumericLiteral(sp.expression))) return;
      // a constant defined in the same file (an SVG icon, a fixed snippet)
      if (ts.isIdentifier(v) && (/^[A-Z][A-Z0-9_]+$/.test(v.text) || constString(v, f) !== undefined)) return;
      if (/\b(JSON\.stringify|serialize)\(/.test(t)) return;
      report(n, 'dangerouslySetInnerHTML renders a value that is not sanitised.');
    },
  },
  {
    id: 'js-cleartext-transport', title: 'Request over an unencrypted protocol', severity: 'medium', confidence: 'medium', cwe: ['CWE-319'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression],
    callNames: new Set(['fetch', 'get', 'post', 'put', 'patch', 'delete', 'request', 'axios', 'got', 'needle', 'superagent', 'ky', 'connect', 'createConnection', 'open']),
    help: 'Sending a request to an `http://`, `ws://`, `ftp://` or `telnet://` address outside the local machine lets anyone on the path read and change it, credentials and session cookies included. Use `https://`/`wss://`/`sftp`.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return;
      const c = calleeText(n, f.sf);
      const client = ts.isNewExpression(n)
        ? /^(WebSocket|ws\.WebSocket|EventSource)$/.test(c)
        : /^(fetch|axios|got|needle|superagent|ky|request|\$\.ajax|\$\.get|\$\.post)$|^(axios|got|needle|superagent|ky|request|http|https|undici|\$|xhr|client|api|ftp|ftpClient|Client)\.(get|post|put|patch|delete|request|connect)$|^(xhr|xmlhttp|req|request)\.open$/.test(c);
      if (!client) return;
      for (const arg of n.arguments ?? []) {
        // the URL written here, in a `const` it names, or as the `url` of an options object (here or in a `const`)
        let a: TS.Expression = arg;
        let at: TS.Node = arg;
        if (ts.isIdentifier(a)) {
          const init = localInit(a, f);
          if (init && (ts.isStringLiteralLike(init) || ts.isTemplateExpression(init))) a = init;
          else if (init && ts.isObjectLiteralExpression(init)) {
            a = init;
            at = init.parent && ts.isVariableDeclaration(init.parent) ? init.parent.parent.parent : init;
          }
        }
        if (ts.isObjectLiteralExpression(a)) a = prop(a, 'url') ?? prop(a, 'baseURL') ?? a;
        const url = ts.isStringLiteralLike(a) ? a.text : ts.isTemplateExpression(a) ? a.head.text : undefined;
        if (url === undefined) continue;
        const m = /^(http|ws|ftp|telnet):\/\/([^/:?#]*)/i.exec(url);
        if (m && !/^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|[\w-]+\.local|[\w-]+\.localhost|host\.docker\.internal|[\w-]+)$/i.test(m[2]!) && !/^(www\.w3\.org|schemas\.|xmlns)/.test(m[2]!)) {
          return report(at === arg ? arg : at, `The request goes to ${m[1]!.toLowerCase()}://${m[2]} without encryption.`);
        }
      }
    },
  },
  {
    id: 'js-target-blank', title: 'Link opens a new window without rel="noopener"', severity: 'low', confidence: 'medium', cwe: ['CWE-1022'],
    kinds: [ts.SyntaxKind.JsxOpeningElement, ts.SyntaxKind.JsxSelfClosingElement, ts.SyntaxKind.CallExpression],
    callNames: new Set(['open']),
    help: 'A link with `target="_blank"` to another site (or `window.open(url)`) gives the new page `window.opener`, which it can navigate to a phishing page (reverse tabnabbing). Add `rel="noopener noreferrer"` (or pass `noopener` to window.open).',
    visit(n, f, report) {
      if (ts.isCallExpression(n)) {
        if (!/^(window\.)?open$/.test(calleeText(n, f.sf)) || n.arguments.length < 2) return;
        const [url, target, features] = n.arguments;
        if (target && ts.isStringLiteralLike(target) && target.text === '_blank' && url && !(ts.isStringLiteralLike(url) && /^\/(?!\/)/.test(url.text)) && !(features && /noopener|noreferrer/.test(features.getText(f.sf)))) report(n, "window.open(url, '_blank') without noopener gives the page window.opener.");
        return;
      }
      if (!ts.isJsxOpeningElement(n) && !ts.isJsxSelfClosingElement(n)) return;
      // react-router's Link/NavLink render an <a> whose href is `to`
      const router = /^(Link|NavLink)$/.test(n.tagName.getText(f.sf));
      if (!/^(a|area|form)$/.test(n.tagName.getText(f.sf)) && !router) return;
      let blank = false;
      let rel = '';
      let href: TS.JsxAttribute | undefined;
      let spread = false;
      for (const p of n.attributes.properties) {
        if (ts.isJsxSpreadAttribute(p)) spread = true;
        if (!ts.isJsxAttribute(p)) continue;
        const name = p.name.getText(f.sf);
        const v = p.initializer ? p.initializer.getText(f.sf) : '';
        if (name === 'target' && /_blank/.test(v)) blank = true;
        if (name === 'rel') rel = v;
        if (name === 'href' || name === 'action' || (router && name === 'to')) href = p;
      }
      if (!blank || spread || /noopener|noreferrer/.test(rel) || (rel && !/^["']/.test(rel))) return;
      const h = href?.initializer?.getText(f.sf) ?? '';
      if (/^["'](\/(?!\/)|#|\.|mailto:|tel:)/.test(h) || !href) return;
      report(n, 'target="_blank" without rel="noopener noreferrer" gives the linked page window.opener.');
    },
  },
  {
    id: 'js-sensitive-storage', title: 'Secret stored in browser storage or a readable cookie', severity: 'medium', confidence: 'medium', cwe: ['CWE-312', 'CWE-922'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.BinaryExpression],
    callNames: new Set(['setItem', 'set']),
    help: 'localStorage, sessionStorage and cookies set from script are readable by any script on the page, so one XSS hands over a password, token or card number stored there. Keep session tokens in `HttpOnly` cookies set by the server and never store passwords client-side.',
    visit(n, f, report) {
      const SENSITIVE = /pass(word|wd)?|pwd|secret|token|jwt|api_?key|credit_?card|card_?number|cvv|ssn|private_?key|session_?id|auth/i;
      if (ts.isCallExpression(n)) {
        const c = calleeText(n, f.sf);
        if (/^(window\.)?(localStorage|sessionStorage)\.setItem$|^(Cookies|cookies|cookie|jsCookie)\.set$/.test(c)) {
          const k = n.arguments[0];
          const v = n.arguments[1];
          const kt = k ? (ts.isStringLiteralLike(k) ? k.text : k.getText(f.sf)) : '';
          if (SENSITIVE.test(kt) || (v && ts.isIdentifier(v) && SENSITIVE.test(v.text)) || (v && ts.isPropertyAccessExpression(v) && SENSITIVE.test(v.name.text))) report(n, `${c.split('.')[0]} stores '${kt.slice(0, 30)}' where any script can read it.`);
        }
        return;
      }
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const l = n.left.getText(f.sf);
        if (/^(window\.)?(localStorage|sessionStorage)\.\w+$|^(window\.)?(localStorage|sessionStorage)\[/.test(l) && SENSITIVE.test(l.replace(/^(window\.)?(localStorage|sessionStorage)/, ''))) report(n, `${l} stores a secret where any script can read it.`);
        if (/^document\.cookie$/.test(l) && /^[`'"]?\s*(\w*(pass(word)?|pwd|secret|token|jwt|api_?key|session\w*|auth\w*))\s*=/i.test(n.right.getText(f.sf).replace(/^\(/, ''))) report(n, 'A secret is written to a cookie readable by script (no HttpOnly).');
      }
    },
  },
  {
    id: 'js-sensitive-log', title: 'Password or secret written to a log', severity: 'medium', confidence: 'medium', cwe: ['CWE-532'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']),
    help: 'Logs are kept, shipped and read by many people; a logged password, token or card number is a leaked one. Log an id or a masked value instead.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (!/^(console|logger|log|this\.logger|this\.log|winston|pino|bunyan|req\.log|fastify\.log|app\.log)\.(log|info|warn|error|debug|trace)$/.test(c)) return;
      const SECRET_NAME = /^(password|passwd|pwd|pass|newPassword|oldPassword|plainPassword|secret|clientSecret|apiKey|api_key|accessToken|refreshToken|authToken|token|jwt|creditCard|cardNumber|cvv|ssn|privateKey)$/i;
      const visit = (e: TS.Node): boolean => {
        if (ts.isIdentifier(e) && SECRET_NAME.test(e.text) && !(e.parent && ts.isPropertyAccessExpression(e.parent) && e.parent.name === e && ts.isPropertyAccessExpression(e.parent.parent) )) {
          // `password.length`, `token ? 'yes' : 'no'` and the like do not log the value
          const p = e.parent;
          if (p && ts.isPropertyAccessExpression(p) && p.expression === e) return false;
          if (p && (ts.isConditionalExpression(p) && p.condition === e)) return false;
          if (p && ts.isPrefixUnaryExpression(p)) return false;
          if (p && ts.isPropertyAssignment(p) && p.name === e) return false;
          return true;
        }
        if (ts.isCallExpression(e) && /mask|redact|hash|length|censor/i.test(e.expression.getText(f.sf))) return false;
        if (ts.isBinaryExpression(e) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(e.operatorToken.kind)) return false;
        return !!ts.forEachChild(e, (x) => (visit(x) ? true : undefined));
      };
      if (n.arguments.some((a) => visit(a))) report(n, 'A password, token or other secret is written to the log.');
    },
  },
  {
    id: 'js-cors-any-origin', title: 'CORS open to every origin', severity: 'low', confidence: 'medium', cwe: ['CWE-942'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['cors', 'setHeader', 'header', 'set', 'register']),
    help: '`Access-Control-Allow-Origin: *` (or `cors()` without options, which sends it) lets every web site read the responses from a browser. That is right for a public API without cookies or network-based trust; otherwise list the allowed origins.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (/(^|\.)cors$/.test(c) && f.imports.has('cors')) {
        const o = n.arguments[0];
        if (!o) return report(n, 'cors() without options allows every origin.');
        if (ts.isObjectLiteralExpression(o)) {
          const origin = prop(o, 'origin');
          if (origin && ts.isStringLiteralLike(origin) && origin.text === '*' && !prop(o, 'credentials')) report(n, "cors() allows every origin ('*').");
        }
        return;
      }
      if (/(^|\.)(setHeader|header|set)$/.test(c) && /^access-control-allow-origin$/i.test(strArg(n, 0) ?? '') && strArg(n, 1) === '*') report(n, "Access-Control-Allow-Origin: '*' lets every site read the response.");
    },
  },
  {
    id: 'js-helmet-protection-off', title: 'Security header protection turned off', severity: 'medium', confidence: 'medium', cwe: ['CWE-693', 'CWE-1021'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['helmet', 'frameguard', 'contentSecurityPolicy', 'setHeader', 'header', 'set']),
    help: 'Turning off helmet\'s Content-Security-Policy or frameguard, or sending `X-Frame-Options: ALLOWALL`, removes the defence against XSS escalation and clickjacking. Configure the policy instead of disabling it.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (/(^|\.)helmet$/.test(c) && n.arguments[0] && ts.isObjectLiteralExpression(n.arguments[0])) {
        for (const key of ['contentSecurityPolicy', 'frameguard', 'xFrameOptions', 'hsts', 'strictTransportSecurity', 'noSniff', 'xContentTypeOptions']) {
          const v = prop(n.arguments[0], key);
          if (v?.kind === ts.SyntaxKind.FalseKeyword) report(v.parent, `helmet is configured with ${key}: false.`);
        }
        return;
      }
      if (/(^|\.)(setHeader|header|set)$/.test(c) && /^x-frame-options$/i.test(strArg(n, 0) ?? '') && /^allow/i.test(strArg(n, 1) ?? '')) report(n, 'X-Frame-Options allows framing by any site.');
      if (/(^|\.)(setHeader|header|set)$/.test(c) && /^content-security-policy$/i.test(strArg(n, 0) ?? '') && /unsafe-inline|unsafe-eval|\*\s*;?\s*$/.test(strArg(n, 1) ?? '') && /script-src|default-src/.test(strArg(n, 1) ?? '')) report(n, 'The Content-Security-Policy allows inline or any-origin scripts.');
    },
  },
  {
    id: 'js-unrestricted-upload', title: 'File upload without type or size limits', severity: 'medium', confidence: 'low', cwe: ['CWE-434', 'CWE-770'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['multer', 'formidable', 'IncomingForm', 'fileUpload', 'diskStorage']),
    help: 'An upload handler that accepts any file type and size lets a client store scripts or HTML the server may later serve, or fill the disk. Set `fileFilter` (checking the type by content, not only the name) and `limits.fileSize` for multer, `filter`/`maxFileSize` for formidable, `limits` for express-fileupload.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      const o = n.arguments[0];
      if (/^multer$/.test(c) && f.imports.has('multer')) {
        if (!o) return;
        if (ts.isObjectLiteralExpression(o) && !o.properties.some(ts.isSpreadAssignment) && !prop(o, 'fileFilter') && !prop(o, 'limits')) report(n, 'multer accepts files of any type and size (no fileFilter or limits).');
        return;
      }
      if (/^(formidable|fileUpload)$/.test(c) && (f.imports.has('formidable') || f.imports.has('express-fileupload'))) {
        if (!o) return report(n, `${c}() accepts files of any type and size.`);
        if (ts.isObjectLiteralExpression(o) && !o.properties.some(ts.isSpreadAssignment) && !['filter', 'maxFileSize', 'limits', 'fileFilter'].some((k) => prop(o, k))) report(n, `${c}() accepts files of any type and size.`);
      }
    },
  },
  // -- issue 22 (sastcorpus): escaping switched off, first-match sanitising, key-path writes --
  {
    id: 'js-escaping-disabled', title: 'HTML escaping or contextual escaping turned off', severity: 'medium', confidence: 'medium', cwe: ['CWE-79', 'CWE-116'],
    kinds: [ts.SyntaxKind.BinaryExpression, ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression, ts.SyntaxKind.JsxAttribute],
    help: 'Template engines and frameworks escape what they render unless told otherwise: `noEscape: true` (Handlebars), `autoescape: false` (Nunjucks, Swig), `escapeMarkup = false`, an identity `Mustache.escape`, `escapeHtml={false}` or `allowDangerousHtml` (react-markdown), `$sceProvider.enabled(false)` or a `**` resource URL list (AngularJS) make every value a page renders raw HTML. Keep escaping on and mark the few trusted values explicitly.',
    visit(n, f, report) {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left)) {
        const prop = n.left.name.text;
        if (/^escapeMarkup$|^escapeHtml$|^autoescape$|^autoEscape$/.test(prop) && n.right.kind === ts.SyntaxKind.FalseKeyword) return report(n, `${n.left.getText(f.sf)} = false turns HTML escaping off.`);
        // `Mustache.escape = (text) => text`
        const r = n.right;
        if (prop === 'escape' && /^(Mustache|mustache|Handlebars\.Utils|_)$/.test(n.left.expression.getText(f.sf)) && (ts.isArrowFunction(r) || ts.isFunctionExpression(r)) && r.parameters.length === 1) {
          const p = r.parameters[0]!.name.getText(f.sf);
          const b = ts.isBlock(r.body) ? r.body.statements.length === 1 && ts.isReturnStatement(r.body.statements[0]!) ? r.body.statements[0]!.expression : undefined : r.body;
          if (b && b.getText(f.sf) === p) return report(n, `${n.left.getText(f.sf)} returns its input unchanged: escaping is off.`);
        }
        return;
      }
      if (ts.isJsxAttribute(n)) {
        const e = n.initializer && ts.isJsxExpression(n.initializer) ? n.initializer.expression : undefined;
        if (n.name.getText(f.sf) === 'escapeHtml' && e?.kind === ts.SyntaxKind.FalseKeyword) report(n, 'escapeHtml={false} renders the Markdown\'s raw HTML.');
        // react-markdown 5: `allowDangerousHtml` (a bare attribute is true)
        if (n.name.getText(f.sf) === 'allowDangerousHtml' && (!n.initializer || e?.kind === ts.SyntaxKind.TrueKeyword)) report(n, 'allowDangerousHtml renders the Markdown\'s raw HTML.');
        return;
      }
      if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return;
      const c = calleeText(n, f.sf);
      const args = n.arguments ?? [];
      if (/(^|\.)\$sceProvider\.enabled$/.test(c) && args[0]?.kind === ts.SyntaxKind.FalseKeyword) return report(n, "AngularJS strict contextual escaping ($sce) is turned off.");
      if (/(^|\.)\$sceDelegateProvider\.(resourceUrlWhitelist|trustedResourceUrlList)$/.test(c) && args[0] && ts.isArrayLiteralExpression(args[0]) && args[0].elements.some((e) => ts.isStringLiteralLike(e) && e.text === '**')) {
        return report(n, "'**' lets AngularJS load templates and resources from any origin.");
      }
      for (const a of args) {
        if (!ts.isObjectLiteralExpression(a)) continue;
        const off = (k: string): boolean => prop(a, k)?.kind === ts.SyntaxKind.FalseKeyword;
        if (/(^|\.)(compile|precompile|template)$/.test(c) && (f.imports.has('handlebars') || /Handlebars|handlebars|hbs/.test(c)) && prop(a, 'noEscape')?.kind === ts.SyntaxKind.TrueKeyword) return report(n, 'Handlebars noEscape: true renders every {{value}} as raw HTML.');
        if ((/(^|\.)(configure|setDefaults)$/.test(c) || /Environment$/.test(c)) && (f.imports.has('nunjucks') || f.imports.has('swig') || /nunjucks|swig/.test(c)) && off('autoescape')) return report(n, 'autoescape: false renders every value as raw HTML.');
      }
    },
  },
  {
    id: 'js-incomplete-sanitization', title: 'Sanitising replace() that only replaces the first match', severity: 'medium', confidence: 'medium', cwe: ['CWE-116', 'CWE-20'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['replace']),
    help: "`s.replace('<', '&lt;')` with a string pattern replaces only the first occurrence, so `<<script>` still holds a `<`. Use a global regular expression (`/</g`), `replaceAll`, or a real escaping function.",
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || ts.isStringLiteralLike(n.expression.expression)) return;
      const pat = strArg(n, 0);
      if (pat === undefined || !/^(['"<>&`\\]|\t|\n|\r)$/.test(pat) && !/^(['"<>&`\\\t\n\r])$/.test(pat)) return;
      if (n.arguments.length < 2 || strArg(n, 1) === pat) return;
      report(n, `replace(${JSON.stringify(pat)}, ...) replaces only the first ${JSON.stringify(pat)}: use a /g regular expression or replaceAll.`);
    },
  },
  {
    id: 'js-prototype-pollution-path', title: 'Key path walked and written without a __proto__ check', severity: 'high', confidence: 'medium', cwe: ['CWE-1321'],
    kinds: [ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration],
    help: 'A function that walks a key path (`cur = cur[key]` in a loop over `path.split(\'.\')`) and then writes below it sets `Object.prototype` when a key is `__proto__` or `constructor`/`prototype`. Reject those keys (or use `Object.create(null)` containers, `Map`s, or `Object.hasOwn` checks) before descending.',
    visit(n, f, report) {
      if (!(ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n)) || !n.body || !ts.isBlock(n.body)) return;
      const body = n.body.getText(f.sf);
      if (/__proto__|['"](constructor|prototype)['"]|Object\.create\(null\)|hasOwnProperty|hasOwn\(|\bnew Map\b/.test(body)) return;
      // a walk inside a loop: `x = x[k]` or `x = x[k] || (x[k] = {})`, k not a numeric loop counter
      let walk: TS.BinaryExpression | undefined;
      let walked = '';
      const numeric = new Set<string>();
      const visit = (m: TS.Node, inLoop: boolean): void => {
        if (ts.isFunctionLike(m) && m !== n && !(ts.isCallExpression(m.parent) && /\.(forEach|map|reduce|every|some)$/.test(m.parent.expression.getText(f.sf)))) return;
        if (ts.isForStatement(m) && m.initializer && ts.isVariableDeclarationList(m.initializer)) for (const d of m.initializer.declarations) numeric.add(d.name.getText(f.sf));
        if (ts.isFunctionLike(m) && m !== n) m.parameters.slice(1).forEach((p) => numeric.add(p.name.getText(f.sf)));
        const loop = inLoop || ts.isForStatement(m) || ts.isWhileStatement(m) || ts.isDoStatement(m) || ts.isForOfStatement(m) || ts.isForInStatement(m) || (ts.isFunctionLike(m) && m !== n);
        if (!walk && loop && ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(m.left)) {
          let r: TS.Expression = m.right;
          if (ts.isBinaryExpression(r) && r.operatorToken.kind === ts.SyntaxKind.BarBarToken) r = r.left;
          if (ts.isElementAccessExpression(r) && r.expression.getText(f.sf) === m.left.text && ts.isIdentifier(r.argumentExpression) && !numeric.has(r.argumentExpression.text)) {
            walk = m;
            walked = m.left.text;
          }
        }
        ts.forEachChild(m, (c) => visit(c, loop));
      };
      visit(n.body, false);
      if (!walk) return;
      // and a write below the walked object: this is a setter, not a getter
      if (!new RegExp(`\\b${walked}\\[[^\\]]+\\]\\s*=[^=]`).test(body)) return;
      report(walk, `${walked} walks a key path and is written below it without rejecting __proto__/constructor.`);
    },
  },
  {
    id: 'js-trusted-html-bypass', title: 'Framework sanitising bypassed for a non-constant value', severity: 'low', confidence: 'low', cwe: ['CWE-79'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['trustAs', 'trustAsHtml', 'trustAsJs', 'trustAsUrl', 'trustAsResourceUrl', 'trustAsCss', 'bypassSecurityTrustHtml', 'bypassSecurityTrustScript', 'bypassSecurityTrustStyle', 'bypassSecurityTrustUrl', 'bypassSecurityTrustResourceUrl', 'sanitize']),
    help: "AngularJS `$sce.trustAs*` and Angular `DomSanitizer.bypassSecurityTrust*` (or `sanitize(SecurityContext.NONE, x)`) switch the framework's escaping off for one value. With a value that is not a constant, check where it comes from: data a user can influence must be sanitised first (DOMPurify), or rendered without the bypass.",
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return;
      const m = n.expression.name.text;
      const recv = n.expression.expression.getText(f.sf);
      let v: TS.Expression | undefined;
      if (m === 'sanitize') {
        // Angular's DomSanitizer with the NONE context returns the value untouched
        if (!/(^|\.)(sanitizer|domSanitizer|_sanitizer)$/i.test(recv) || !/SecurityContext\.NONE$/.test(n.arguments[0]?.getText(f.sf) ?? '')) return;
        v = n.arguments[1];
      } else if (m === 'trustAs') {
        if (!/(^|\.)\$sce$/.test(recv)) return;
        v = n.arguments[1];
      } else if (m.startsWith('trustAs')) {
        if (!/(^|\.)\$sce$/.test(recv)) return;
        v = n.arguments[0];
      } else v = n.arguments[0];
      if (!v || ts.isStringLiteralLike(v) || ts.isNumericLiteral(v)) return;
      if (/sanitiz|purif|escape|DOMPurify/i.test(v.getText(f.sf))) return;
      if (ts.isIdentifier(v) && (/^[A-Z][A-Z0-9_]+$/.test(v.text) || constString(v, f) !== undefined)) return;
      report(n, `${m}() turns escaping off for a value that is not a constant: make sure it is not user data, or sanitise it first.`);
    },
  },
  {
    id: 'js-nextjs-dynamic-rewrite-host', title: 'Next.js rewrite or redirect to a host taken from the request', severity: 'high', confidence: 'medium', cwe: ['CWE-918', 'CWE-601'],
    kinds: [ts.SyntaxKind.ObjectLiteralExpression],
    help: "A `rewrites()`/`redirects()` entry whose destination host holds a path or query parameter (`destination: 'https://:tenant.api.example.com'`) lets the client choose the host Next.js proxies to (server-side request forgery) or sends the browser to. Keep hosts fixed and put parameters in the path.",
    visit(n, f, report) {
      if (!ts.isObjectLiteralExpression(n)) return;
      const src = prop(n, 'source');
      const dst = prop(n, 'destination');
      if (!src || !dst || !ts.isStringLiteralLike(dst)) return;
      if (!/^https?:\/\/[^/?#]*:[A-Za-z_]/.test(dst.text)) return;
      let owner: TS.Node | undefined = n.parent;
      while (owner && !ts.isMethodDeclaration(owner) && !ts.isPropertyAssignment(owner) && !ts.isSourceFile(owner)) owner = owner.parent;
      const name = owner && (ts.isMethodDeclaration(owner) || ts.isPropertyAssignment(owner)) ? owner.name.getText(f.sf) : '';
      if (/^(rewrites|redirects)$/.test(name)) report(n, `The ${name.slice(0, -1)} destination ${dst.text.slice(0, 60)} takes its host from the request.`);
    },
  },
  ...EXTRA_AST_RULES,
  ...AUDIT_AST_RULES,
];

/**
 * Whether a `verify(...)` call is written in the code around a node: in its function or a function around that
 * (a decode inside verify's callback counts), but not in other functions of the file.
 */
function verifiedAround(n: TS.Node, sf: TS.SourceFile): boolean {
  const verifies = (m: TS.Node, inside: TS.Node): boolean => {
    if (ts.isCallExpression(m) && /(^|\.)verify$/.test(m.expression.getText(sf))) return true;
    // another function of the scope: only when the node is inside it
    if (ts.isFunctionLike(m) && !(n.pos >= m.pos && n.end <= m.end) && m !== inside) return false;
    return ts.forEachChild(m, (c) => verifies(c, inside)) ?? false;
  };
  for (let p: TS.Node | undefined = n.parent; p; p = p.parent) {
    if ((ts.isFunctionLike(p) || ts.isSourceFile(p)) && verifies(p, p)) return true;
  }
  return false;
}

/** Whether an identifier names the error of a `catch` clause or of an error handler's first parameter. */
function isCaughtError(id: TS.Identifier, f: FileFacts): boolean {
  for (let p: TS.Node | undefined = id.parent; p; p = p.parent) {
    if (ts.isCatchClause(p)) return p.variableDeclaration?.name.getText(f.sf) === id.text;
    if (ts.isFunctionLike(p)) {
      const ps = p.parameters;
      if (ps.length === 4 && ps[0]!.name.getText(f.sf) === id.text) return true;
      if (ts.isCallExpression(p.parent) && /\.(catch|on)$/.test(p.parent.expression.getText(f.sf)) && ps[0]?.name.getText(f.sf) === id.text) return true;
      if (ps.length >= 1 && ps[0]!.name.getText(f.sf) === id.text && /^(err|error)$/.test(id.text)) return true;
    }
  }
  return false;
}

/** Runs every structural rule over a file in one walk. */
export function runAstRules(sf: TS.SourceFile, rules: AstRule[]): AstHit[] {
  const imports = new Set<string>();
  let hasJwtVerify = false;
  const text = sf.text;
  for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)) imports.add(m[1]!.replace(/^node:/, ''));
  if (/\.verify\(|\bverify\(/.test(text)) hasJwtVerify = true;
  const facts: FileFacts = { sf, text, imports, hasJwtVerify };
  const out: AstHit[] = [];
  const byKind = new Map<TS.SyntaxKind, AstRule[]>();
  for (const r of rules) for (const k of r.kinds) byKind.set(k, [...(byKind.get(k) ?? []), r]);
  const visit = (n: TS.Node): void => {
    const rs = byKind.get(n.kind);
    if (rs) {
      let last: string | undefined;
      if (ts.isCallExpression(n)) {
        const c = n.expression;
        last = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
      }
      for (const r of rs) {
        if (last !== undefined && r.callNames && !r.callNames.has(last)) continue;
        r.visit(n, facts, (node, message) => out.push({ ruleId: r.id, node, message }));
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return [...out, ...importAnchors(out, sf)];
}

/** Library-misuse rules whose finding is also reported where the misused library is imported. */
const ANCHORED = new Set(['js-jwt-hardcoded-secret', 'js-jwt-none-algorithm', 'js-jwt-decode-without-verify', 'js-grpc-insecure', 'js-xml-doctype-handler']);

/**
 * The `require`/`import` statements that bind the library a misuse finding calls: Semgrep-style rules written as
 * `$X = require('m') ... $X.f(...)` report from the import, and a reader fixing the misuse often starts there (the
 * library choice, its options). One extra finding per rule and import statement, naming the line of the misuse, for
 * imports inside a function only: a module's top-level imports would repeat every finding of the file.
 */
function importAnchors(hits: AstHit[], sf: TS.SourceFile): AstHit[] {
  const out: AstHit[] = [];
  const seen = new Set<string>();
  for (const h of hits) {
    if (!ANCHORED.has(h.ruleId)) continue;
    let call: TS.Node | undefined = h.node;
    while (call && !ts.isCallExpression(call) && !ts.isNewExpression(call) && !ts.isBinaryExpression(call) && !ts.isSourceFile(call)) call = call.parent;
    if (!call || ts.isSourceFile(call)) continue;
    let root: TS.Expression = ts.isBinaryExpression(call) ? call.left : (call as TS.CallExpression).expression;
    while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root) || ts.isElementAccessExpression(root)) root = ts.isCallExpression(root) ? root.expression : root.expression;
    if (!ts.isIdentifier(root)) continue;
    const decl = importOf(root, sf);
    // an import inside the function around the misuse (or one around it); the file's own imports are not repeated
    if (!decl || !decl.parent || ts.isSourceFile(decl.parent)) continue;
    const key = `${h.ruleId}|${decl.pos}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = sf.getLineAndCharacterOfPosition(h.node.getStart(sf)).line + 1;
    out.push({ ruleId: h.ruleId, node: decl, message: `The library imported here is misused at line ${line}: ${h.message}` });
  }
  return out;
}

/** The statement that binds a name to a module (`const x = require('m')`, `{ a } = require('m')`, `import x from 'm'`), nearest scope first. */
function importOf(id: TS.Identifier, sf: TS.SourceFile, depth = 0): TS.Node | undefined {
  const binds = (b: TS.BindingName): boolean => ts.isIdentifier(b) ? b.text === id.text : b.elements.some((x) => !ts.isOmittedExpression(x) && binds(x.name));
  const isRequire = (e: TS.Expression | undefined): boolean => {
    while (e && (ts.isPropertyAccessExpression(e) || (ts.isCallExpression(e) && !(ts.isIdentifier(e.expression) && e.expression.text === 'require')))) e = ts.isCallExpression(e) ? e.expression : e.expression;
    return !!e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && !!e.arguments[0] && ts.isStringLiteralLike(e.arguments[0]);
  };
  for (let scope: TS.Node | undefined = id.parent; scope; scope = scope.parent) {
    if (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope) && !ts.isBlock(scope)) continue;
    let found: TS.Node | undefined;
    let via: TS.Identifier | undefined;
    const visit = (m: TS.Node): void => {
      if (found || via || (ts.isFunctionLike(m) && m !== scope)) return;
      if (ts.isVariableDeclaration(m) && binds(m.name) && isRequire(m.initializer)) {
        // the statement, so the finding starts where the line does (`const x = require(...)`)
        found = ts.isVariableDeclarationList(m.parent) && ts.isVariableStatement(m.parent.parent) ? m.parent.parent : m;
      } else if (ts.isVariableDeclaration(m) && binds(m.name) && m.initializer) {
        // a value taken from the module (`const { JWT } = jose`, `parser = sax.parser()`): its import
        let e: TS.Expression = m.initializer;
        while (ts.isPropertyAccessExpression(e) || ts.isCallExpression(e) || ts.isNewExpression(e) || ts.isAwaitExpression(e)) e = ts.isAwaitExpression(e) ? e.expression : e.expression;
        if (ts.isIdentifier(e) && e.text !== id.text) via = e;
      } else if (ts.isImportDeclaration(m) && m.importClause) {
        const c = m.importClause;
        if (c.name?.text === id.text || (c.namedBindings && (ts.isNamespaceImport(c.namedBindings) ? c.namedBindings.name.text === id.text : c.namedBindings.elements.some((e) => e.name.text === id.text)))) found = m;
      } else ts.forEachChild(m, visit);
    };
    ts.forEachChild(scope, visit);
    if (found) return found;
    if (via) return depth < 3 ? importOf(via, sf, depth + 1) : undefined;
    if (ts.isSourceFile(scope)) break;
  }
  void sf;
  return undefined;
}

/** Location of a node, 1-based lines and columns. */
export function nodeLocation(sf: TS.SourceFile, path: string, node: TS.Node): FileLocation {
  const s = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const e = sf.getLineAndCharacterOfPosition(node.getEnd());
  return { path, startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}
