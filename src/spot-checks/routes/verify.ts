// 按种子复核抽取: /staff/spot-checks/:id/verify re-runs the draw on the inputs stored with the round and
// shows the replayed list beside the stored one, with the verdict. Same 404 rule as every round
// route (loadRound); each look is audited.
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import { findRegion } from '../../regions/index.js';
import type { Deps } from '../../shared/deps.js';
import { verifyDrawAudited } from '../verify.js';
import { loadRound } from '../view-model.js';

export default async function verifyRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  app.get<{ Params: { id: string } }>('/staff/spot-checks/:id/verify', { preHandler: requireStaff() }, async (request, reply) => {
    const round = await loadRound(deps, request);
    const result = await verifyDrawAudited(deps, request.staff!.user.id, round);
    const replayed = result.status === 'replayed' ? result : null;
    const scope = replayed ? await findRegion(deps.db, replayed.draw.scope) : undefined;
    return reply.page(
      'spot-checks/verify',
      {
        titleKey: 'spot_checks.verify.title',
        round,
        status: result.status,
        inputs: 'inputs' in result ? result.inputs : null,
        algorithm: result.status === 'unknown_algorithm' ? (result.algorithm ?? '') : null,
        replayed,
        draw: replayed ? { ...replayed.draw, scopeName: scope?.name ?? replayed.draw.scope, candidateCount: replayed.draw.candidates.length, restricted: replayed.draw.scope !== request.staff!.unit.regionCode } : null,
      },
      { layout: 'staff' },
    );
  });
}
