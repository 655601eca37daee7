// Prints the current TOTP code for a secret: for trying the demo accounts without a phone app.
// Usage: npm run totp -- JBSWY3DPEHPK3PXP
import { generate } from 'otplib';

const secret = process.argv[2]?.replace(/\s/g, '');
if (!secret) {
  console.error('usage: npm run totp -- <base32 secret>');
  process.exit(2);
}
console.log(await generate({ secret }));
