// The written notices as documents (受理告知书 … 移送函), a part of the reports domain: see README.md.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import documentRoutesPlugin from './routes.js';

export { staffDocumentLinks, reporterDocumentLinks, latestAnswerKind, issueDocument, type DocumentLink } from './service.js';
export { staffDocumentPage } from './routes.js';
export { DOCUMENT_KINDS, isDocumentKind, type DocumentKind } from './numbering.js';

export async function documentRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(documentRoutesPlugin, opts);
}
