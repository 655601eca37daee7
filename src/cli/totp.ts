// Prints the current TOTP code for a secret: for trying the demo accounts without a phone app. It
// reads no database and no configuration, so it works the same whichever engine the portal runs on.
// Usage: npm run totp -- JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
import { generate } from 'otplib';

const USAGE = 'usage: npm run totp -- <base32 secret, as printed for a demo account>';

const secret = process.argv[2]?.replace(/\s/g, '').toUpperCase();
if (!secret) {
  console.error(USAGE);
  process.exit(2);
}
try {
  console.log(await generate({ secret }));
} catch (err) {
  // A mistyped or shortened secret: one line that says so, not a stack trace.
  console.error(`Not a usable TOTP secret: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
