// A recipient's check of an SM2 signature (issue 23): Debian's `openssl pkeyutl -verify` with the
// published PEM key, SM3 and the default distinguishing ID, run on files in a scratch directory —
// for tests of everything the portal signs (referral packet, audit archives, notices' manifests).
// Shared by every test that checks a signature with openssl, so none needs its own copy.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './app.js';

/** Whether an openssl binary is on the PATH (tests that run it skip without one). */
export const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The command a recipient runs, as the docs give it (file names relative to the current directory). */
export function opensslVerifyArgs(pemFile: string, inFile: string, sigFile: string, id = '1234567812345678'): string[] {
  return ['pkeyutl', '-verify', '-pubin', '-inkey', pemFile, '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${id}`, '-in', inFile, '-sigfile', sigFile];
}

/** `openssl pkeyutl -verify` as a recipient runs it; true when openssl says the signature verifies. */
export function opensslVerifies(pem: string, message: Buffer, signature: Buffer, id = '1234567812345678'): boolean {
  const dir = tempDir('sunshine-sm2-');
  try {
    fs.writeFileSync(path.join(dir, 'sunshine-sm2.pem'), pem);
    fs.writeFileSync(path.join(dir, 'manifest'), message);
    fs.writeFileSync(path.join(dir, 'manifest.sig'), signature);
    const out = execFileSync('openssl', opensslVerifyArgs('sunshine-sm2.pem', 'manifest', 'manifest.sig', id), { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /Signature Verified Successfully/.test(out);
  } catch {
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
