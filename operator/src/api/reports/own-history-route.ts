// GET /softphone/history?tz=: the signed-in agent's own calls today (in the
// agent's time zone) and talk time, from the call records. Only ever the
// caller's own: the agent comes from the session, no parameter names one.
import type { FastifyInstance } from 'fastify';
import { isTimeZone } from '../../reports/params.ts';
import { formatLocalDate, localDateOf, utcRange } from '../../reports/period.ts';
import { ownHistory } from '../../reports/report.ts';
import { lineAgentOf } from '../auth/principal.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { HttpError, invalidBody } from '../errors.ts';
import { fromHistory, historyQuery } from './routes.ts';

export function registerOwnHistoryRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/softphone/history',
    { onRequest: requireRole('agent', 'supervisor') },
    async (request) => {
      // a supervisor has a line of its own too (lineAgentOf); the admin has none
      const agent = lineAgentOf(request.principal);
      if (!agent) throw new HttpError(403, 'this is for accounts with a phone line only');
      const tzParam = (request.query as Record<string, unknown>).tz;
      const timeZone = typeof tzParam === 'string' && tzParam !== '' ? tzParam : 'UTC';
      if (!isTimeZone(timeZone))
        throw invalidBody([
          { field: 'tz', message: 'must be an IANA time zone name, e.g. Africa/Freetown' },
        ]);
      const username = agent.status?.sipUsername;
      if (!username) throw new HttpError(409, 'your phone line is not set up yet');
      const today = localDateOf(new Date(), timeZone);
      const range = utcRange(today, today, timeZone);
      const query = historyQuery(ctx);
      const own = await fromHistory(() => ownHistory(query, range, username));
      return { day: formatLocalDate(today), timeZone, ...own };
    },
  );
}
