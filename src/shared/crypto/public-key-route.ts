// GET /.well-known/sunshine-sm2.pem: the SM2 public key that verifies the manifests the portal signs
// (sm2.ts), so a recipient of a referral packet or an audit archive can check it with openssl.
// Registered in src/app.ts after the keys plugin:
//   await app.register(sm2PublicKeyRoutes, { seed: app.keys['manifest-signing'] });
import type { FastifyInstance } from 'fastify';
import { signerFor, sm2PublicKeyPem } from './sm2.js';

export const SM2_PUBLIC_KEY_PATH = '/.well-known/sunshine-sm2.pem';

export default async function sm2PublicKeyRoutes(app: FastifyInstance, opts: { seed: Buffer }) {
  // Worked out at the first request, not at start: the SM2 library is loaded only when needed.
  let pem: string | null = null;
  app.get(SM2_PUBLIC_KEY_PATH, async (_request, reply) =>
    reply.type('application/x-pem-file; charset=us-ascii').header('Cache-Control', 'public, max-age=3600').header('X-Content-Type-Options', 'nosniff').send((pem ??= sm2PublicKeyPem(signerFor(opts.seed).publicKeyHex))),
  );
}
