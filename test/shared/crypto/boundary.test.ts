// Issue 23: "One module owns every primitive; features call seal/open, mac, keyed hash, password
// hash — never an algorithm by name." This test fails when a file of src/ outside
// src/shared/crypto/ reaches node:crypto for a cipher, a MAC or a key derivation (createCipheriv,
// createDecipheriv, createHmac, scrypt, pbkdf2, hkdf: each names its algorithm, or is one), or
// imports a file of src/shared/crypto/ other than its index.ts.
//
// Not checked: plain hashes (createHash('sha256') for checksums in manifests and the exchange's
// content hashes, and SM3 fingerprints of signed copies) are not keyed and protect nothing by
// themselves; randomBytes/randomInt/timingSafeEqual name no algorithm. TOTP (src/users/totp.ts)
// computes its HMAC-SHA1 inside otplib, which this test does not see; RFC 6238 fixes that algorithm,
// and every authenticator app a staff member can install speaks only it, so no profile could
// change it.
//
// What is still found is listed in ALLOWED with its reason; the list may only shrink (an entry that
// is no longer found fails too).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = 'src/shared/crypto/';
const PRIMITIVES = ['createCipheriv', 'createDecipheriv', 'createHmac', 'scrypt', 'scryptSync', 'pbkdf2', 'pbkdf2Sync', 'hkdf', 'hkdfSync'];

/** Comments removed (roughly: enough that a comment naming scrypt is not a call of it). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** `primitive FILE NAME` for each primitive of node:crypto a file uses, `inner-import FILE -> TARGET` for each inner file of the module it imports. */
export function boundaryViolations(files: Record<string, string>): string[] {
  const found = new Set<string>();
  for (const [file, source] of Object.entries(files)) {
    if (file.startsWith(MODULE)) continue;
    const text = code(source);
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), (m[1] ?? m[2])!)).replace(/\.js$/, '.ts');
      if (target.startsWith(MODULE) && target !== `${MODULE}index.ts`) found.add(`inner-import ${file} -> ${target}`);
    }
    for (const m of text.matchAll(/import\s+([^'";]+?)\s+from\s+['"](?:node:)?crypto['"]/g)) {
      const clause = m[1]!;
      const named = /\{([^}]*)\}/.exec(clause);
      for (const part of named ? named[1]!.split(',') : []) {
        const name = part.trim().split(/\s+as\s+/)[0]!;
        if (PRIMITIVES.includes(name)) found.add(`primitive ${file} ${name}`);
      }
      const aliases = clause.replace(/\{[^}]*\}/, '').split(',').map((a) => a.replace(/^\s*\*\s+as\s+/, '').trim()).filter(Boolean);
      for (const alias of aliases) {
        for (const call of text.matchAll(new RegExp(`\\b${alias}\\.(\\w+)\\b`, 'g'))) if (PRIMITIVES.includes(call[1]!)) found.add(`primitive ${file} ${call[1]}`);
      }
    }
  }
  return [...found].sort();
}

/** What is still found, each with its reason. */
const ALLOWED: Record<string, string> = {
  // Exceptions: the algorithm is fixed by something outside the portal, so no profile may change it.
  'primitive src/exchange/signature.ts createHmac':
    'the Exchange API request signature (README "Exchange API"): partners compute the same HMAC-SHA256 with the secret they were given; it is a wire protocol, not a value the portal stores',
  'primitive src/spot-checks/sampler.ts createHmac':
    'the spot-check draw\'s random stream, HMAC-SHA256 of the stored seed and a counter: the verify page replays every draw from its seed, so draws made before must come out the same under any profile; it is a reproducible random source and protects nothing',
  'primitive src/shared/counters.ts createHmac':
    'the rate-limit counters\' names: an hour-long pseudonym of an address under a random key of the hour (kept two hours, in memory or Redis, never stored with a report or sent anywhere) so no address is kept in clear; following the profile would lose an hour\'s counts at a switch and protect nothing the assessment covers',
  'primitive src/shared/redis-counters.ts createHmac': 'the same hour\'s key shared by the nodes through Redis: derived from the shared secret and the hour\'s nonce, as above',
};

function sources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(path.resolve('src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(path.resolve('.'), full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

describe('the crypto module owns every primitive (issue 23)', () => {
  it('no file outside src/shared/crypto/ names a cipher, MAC or key derivation, or imports an inner file of the module, beyond the reasoned list', () => {
    const found = boundaryViolations(sources());
    expect(found.filter((f) => !(f in ALLOWED)), 'new violations').toEqual([]);
    expect(Object.keys(ALLOWED).filter((a) => !found.includes(a)), 'allowed entries no longer found: remove them').toEqual([]);
  });

  it('finds each kind planted in a small tree, and not what is allowed', () => {
    const planted = {
      'src/a/one.ts': "import crypto from 'node:crypto';\nconst c = crypto.createCipheriv('aes-256-gcm', k, iv);\nconst h = crypto.createHash('sha256');\n",
      'src/a/two.ts': "import { createHmac, randomBytes, pbkdf2 as p } from 'crypto';\n",
      'src/a/three.ts': "import * as nc from 'node:crypto';\nconst s = promisify(nc.scrypt);\nconst k = nc.hkdfSync('sm3', a, b, c, 32);\n",
      'src/a/four.ts': "import { seal } from '../shared/crypto/index.js';\nimport { sm4Ctr } from '../shared/crypto/sm.js';\nexport { x } from '../shared/crypto/seal.js';\n",
      'src/shared/five.ts': "import { mac } from './crypto/index.js';\nimport { hkdfSm } from './crypto/sm.js';\n",
      'src/a/six.ts': "import crypto from 'node:crypto';\n// crypto.scrypt is not used here\nconst r = crypto.randomBytes(16);\nconst t = crypto.timingSafeEqual(a, b);\n",
      'src/shared/crypto/intl.ts': "import crypto from 'node:crypto';\nconst c = crypto.createCipheriv('aes-256-gcm', k, iv);\n",
    };
    expect(boundaryViolations(planted)).toEqual([
      'inner-import src/a/four.ts -> src/shared/crypto/seal.ts',
      'inner-import src/a/four.ts -> src/shared/crypto/sm.ts',
      'inner-import src/shared/five.ts -> src/shared/crypto/sm.ts',
      'primitive src/a/one.ts createCipheriv',
      'primitive src/a/three.ts hkdfSync',
      'primitive src/a/three.ts scrypt',
      'primitive src/a/two.ts createHmac',
      'primitive src/a/two.ts pbkdf2',
    ]);
  });
});
