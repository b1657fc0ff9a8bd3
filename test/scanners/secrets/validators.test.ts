import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { base62, CHECKSUMS, crc32 } from '../../../src/analyzers/secrets/validators.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Independent reference: zlib's CRC-32, base62 by repeated BigInt division. */
function referenceToken(prefix: string, random: string): string {
  let n = BigInt(zlibCrc32(random));
  let s = '';
  while (n > 0n) {
    s = ALPHABET[Number(n % 62n)]! + s;
    n /= 62n;
  }
  return `${prefix}_${random}${s.padStart(6, '0')}`;
}

function randomBase62(len: number): string {
  return [...randomBytes(len)].map((b) => ALPHABET[b % 62]).join('');
}

function b64url(o: unknown): string {
  return Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
}

/** A version-2 binary macaroon: location, identifier, one caveat, signature. */
function macaroon(location: string, identifier: string, version = 2): string {
  const field = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type, data.length]), data]);
  const buf = Buffer.concat([
    Buffer.from([version]),
    field(1, Buffer.from(location)),
    field(2, Buffer.from(identifier)),
    Buffer.from([0]),
    field(2, Buffer.from('{"version":1,"permissions":"user"}')),
    Buffer.from([0, 0]),
    field(6, randomBytes(32)),
  ]);
  return 'pypi-' + buf.toString('base64url');
}

describe('crc32 / base62', () => {
  it('matches the standard check value and zlib', () => {
    assert.equal(crc32('123456789'), 0xcbf43926);
    assert.equal(crc32(''), 0);
    for (let i = 0; i < 50; i++) {
      const s = randomBase62(30);
      assert.equal(crc32(s), zlibCrc32(s));
    }
  });

  it('encodes base62 with digits, upper, lower, left-padded', () => {
    assert.equal(base62(0, 6), '000000');
    assert.equal(base62(61, 1), 'z');
    assert.equal(base62(62, 1), '10');
    assert.equal(base62(0xffffffff, 6), '4gfFC3');
  });
});

describe('github checksum', () => {
  it('accepts tokens whose last 6 chars are the base62 CRC32 of the 30 random chars', () => {
    for (const prefix of ['ghp', 'gho', 'ghu', 'ghs', 'ghr']) {
      for (let i = 0; i < 20; i++) assert.ok(CHECKSUMS.github(referenceToken(prefix, randomBase62(30))));
    }
    assert.ok(CHECKSUMS.github('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'));
  });

  it('rejects a changed character, a wrong length, or no prefix', () => {
    const t = referenceToken('ghp', randomBase62(30));
    const flipped = t.slice(0, 10) + (t[10] === 'a' ? 'b' : 'a') + t.slice(11);
    assert.equal(CHECKSUMS.github(flipped), false);
    const badSum = t.slice(0, -1) + (t.endsWith('0') ? '1' : '0');
    assert.equal(CHECKSUMS.github(badSum), false);
    assert.equal(CHECKSUMS.github(t.slice(0, -1)), false);
    assert.equal(CHECKSUMS.github(t.slice(4)), false);
    assert.equal(CHECKSUMS.github('ghp_' + 'x'.repeat(36)), false);
    assert.equal(CHECKSUMS.github('ghp_' + randomBase62(29) + '-' + randomBase62(6)), false);
  });
});

describe('npm checksum', () => {
  it('accepts npm_ tokens with a valid CRC32 and rejects others', () => {
    for (let i = 0; i < 20; i++) assert.ok(CHECKSUMS.npm(referenceToken('npm', randomBase62(30))));
    assert.ok(CHECKSUMS.npm('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'));
    assert.equal(CHECKSUMS.npm(referenceToken('ghp', randomBase62(30))), false, 'prefix must be npm_');
    const t = referenceToken('npm', randomBase62(30));
    assert.equal(CHECKSUMS.npm(t.slice(0, 8) + (t[8] === 'Q' ? 'R' : 'Q') + t.slice(9)), false);
  });
});

describe('pypi checksum', () => {
  it('accepts v2 macaroons located at pypi.org or test.pypi.org', () => {
    assert.ok(CHECKSUMS.pypi(macaroon('pypi.org', 'b4c1e5a0f0c94c5e8f9d6f0a1b2c3d4e')));
    assert.ok(CHECKSUMS.pypi(macaroon('test.pypi.org', '0f5e3d2c1b0a99887766554433221100')));
  });

  it('accepts a token cut short after the identifier (long tokens in narrow windows)', () => {
    const t = macaroon('pypi.org', 'b4c1e5a0f0c94c5e8f9d6f0a1b2c3d4e');
    assert.ok(CHECKSUMS.pypi(t.slice(0, 70)));
  });

  it('rejects other locations, versions, empty identifiers and random base64', () => {
    assert.equal(CHECKSUMS.pypi(macaroon('evil.example', 'b4c1e5a0f0c94c5e8f9d6f0a1b2c3d4e')), false);
    assert.equal(CHECKSUMS.pypi(macaroon('pypi.org', 'b4c1e5a0f0c94c5e8f9d6f0a1b2c3d4e', 1)), false);
    assert.equal(CHECKSUMS.pypi(macaroon('pypi.org', '')), false);
    assert.equal(CHECKSUMS.pypi('pypi-AgEIcHlwaS5vcmc' + randomBytes(60).toString('base64url').replace(/^./, 'H')), false);
    assert.equal(CHECKSUMS.pypi('pypi-' + randomBytes(90).toString('base64url')), false);
    assert.equal(CHECKSUMS.pypi('pypi-***'), false);
    assert.equal(CHECKSUMS.pypi('AgEIcHlwaS5vcmc'), false);
  });
});

describe('slack-webhook checksum', () => {
  it('accepts the services / workflows URL shapes, whole or as a path', () => {
    assert.ok(CHECKSUMS['slack-webhook']('https://hooks.slack.com/services/T0ABCD1EF/B0GHIJ2KL/' + randomBase62(24)));
    assert.ok(CHECKSUMS['slack-webhook']('https://hooks.slack.com/workflows/T0ABCD1EF/A0GHIJ2KL/' + randomBase62(24)));
    assert.ok(CHECKSUMS['slack-webhook']('T0ABCD1EF/B0GHIJ2KL/' + randomBase62(24)));
  });

  it('rejects wrong team / hook ids, short keys and extra segments', () => {
    assert.equal(CHECKSUMS['slack-webhook']('https://hooks.slack.com/services/X0ABCD1EF/B0GHIJ2KL/' + randomBase62(24)), false);
    assert.equal(CHECKSUMS['slack-webhook']('https://hooks.slack.com/services/T0ABCD1EF/C0GHIJ2KL/' + randomBase62(24)), false);
    assert.equal(CHECKSUMS['slack-webhook']('https://hooks.slack.com/services/T0ABCD1EF/B0GHIJ2KL/abc'), false);
    assert.equal(CHECKSUMS['slack-webhook']('https://hooks.slack.com/services/T0ABCD1EF/B0GHIJ2KL/' + randomBase62(24) + '/x'), false);
  });
});

describe('jwt checksum', () => {
  const header = b64url({ alg: 'HS256', typ: 'JWT' });
  const payload = b64url({ sub: '1234', iat: 1700000000 });
  const sig = randomBytes(32).toString('base64url');

  it('accepts header.payload.signature with JSON objects', () => {
    assert.ok(CHECKSUMS.jwt(`${header}.${payload}.${sig}`));
    assert.ok(CHECKSUMS.jwt(`${b64url({ typ: 'JWT', alg: 'RS256', kid: 'k1' })}.${payload}.${sig}`));
    assert.ok(CHECKSUMS.jwt(`${b64url({ alg: 'none' })}.${payload}.`), 'unsigned token with alg none');
  });

  it('rejects non-JSON parts, headers without alg/typ, missing signatures and wrong part counts', () => {
    assert.equal(CHECKSUMS.jwt(`${header}.${b64url('not json')}.${sig}`), false);
    assert.equal(CHECKSUMS.jwt(`${header}.${b64url('[1,2]')}.${sig}`), false);
    assert.equal(CHECKSUMS.jwt(`${b64url({ kid: 'k1' })}.${payload}.${sig}`), false);
    assert.equal(CHECKSUMS.jwt(`${header}.${payload}.`), false);
    assert.equal(CHECKSUMS.jwt(`${header}.${payload}`), false);
    assert.equal(CHECKSUMS.jwt(`${header}.${payload}.${sig}.x`), false);
    assert.equal(CHECKSUMS.jwt(`${header}.${payload}.sig!`), false);
  });
});

describe('luhn checksum', () => {
  it('accepts Luhn-valid numbers with or without separators', () => {
    assert.ok(CHECKSUMS.luhn('4111111111111111'));
    assert.ok(CHECKSUMS.luhn('4111 1111 1111 1111'));
    assert.ok(CHECKSUMS.luhn('5555-5555-5555-4444'));
    assert.ok(CHECKSUMS.luhn('378282246310005'));
  });

  it('rejects a changed digit, letters and wrong lengths', () => {
    assert.equal(CHECKSUMS.luhn('4111111111111112'), false);
    assert.equal(CHECKSUMS.luhn('4111 1111 1111 111a'), false);
    assert.equal(CHECKSUMS.luhn('79927398713'), false, 'too short for a card number');
    assert.equal(CHECKSUMS.luhn('41111111111111111111'), false, 'too long');
  });
});
