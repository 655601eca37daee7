// The data directory holds report texts, sealed identities, session ids and the key file: nothing
// in it is for other accounts on the server (issue 16 defect 10: files were 0644, folders 0755).
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every file and folder the process creates from now on is its owner's alone (umask 077), and what
 * an earlier start or a copied template left in DATA_DIR is made so too.
 */
export function makeDataPrivate(dataDir: string): void {
  process.umask(0o077);
  if (!fs.existsSync(dataDir)) return;
  const visit = (dir: string) => {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) fs.chmodSync(full, fs.statSync(full).mode & 0o700);
    }
  };
  visit(dataDir);
}
