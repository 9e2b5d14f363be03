// Agents' notes on their calls (issue 19 item 5), kept in the call history:
//   PUT /softphone/calls/<linkedid>/note {disposition, note}  the signed-in
//       agent's note on a call they were a party of (403 otherwise); the
//       call's linkedid comes to the softphone in the INVITE (X-Switchboard-Call,
//       asterisk/render/call-header.ts)
//   GET /softphone/calls/<linkedid>/note   the agent's own note (404: none yet)
//   GET /calls/<linkedid>/notes            every agent's note on a call (admins,
//       or an API token with recordings:read: the same history access)
// 400 names the field; 503 carries HistoryUnavailableError's message.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notesOf, saveCallNote, wasParty } from '../../history/call-notes.ts';
import { type HistoryDatabase, HistoryUnavailableError } from '../../history/database.ts';
import { lineAgentOf } from '../auth/principal.ts';
import { type ApiContext, requireRole, requireScope } from '../context.ts';
import { HttpError } from '../errors.ts';
import { checkCallNote, checkLinkedid } from './call-note.ts';

export function registerCallNoteRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const ns = ctx.settings.namespace;
  const db = (): HistoryDatabase => {
    if (!ctx.history)
      throw new HttpError(503, 'call history is not configured on this operator (no database)');
    return ctx.history;
  };
  const unavailable = (err: unknown): never => {
    if (err instanceof HistoryUnavailableError) throw new HttpError(503, err.message);
    throw err;
  };
  const linkedidOf = (request: FastifyRequest): string => {
    const checked = checkLinkedid((request.params as { linkedid: string }).linkedid);
    if (!checked.ok) throw new HttpError(400, checked.message);
    return checked.value;
  };
  /** The signed-in agent's SIP username (the name in the call records' channels). */
  const agentOf = (request: FastifyRequest): string => {
    const user = lineAgentOf(request.principal)?.status?.sipUsername;
    if (!user) throw new HttpError(403, 'only an agent with a line can keep notes on calls');
    return user;
  };

  app.put(
    '/softphone/calls/:linkedid/note',
    { onRequest: requireRole('agent', 'supervisor', 'admin') },
    async (request) => {
      const linkedid = linkedidOf(request);
      const agent = agentOf(request);
      const dispositions = ctx.caches.configs.get('default', ns)?.spec.dispositions ?? [];
      const checked = checkCallNote(request.body, dispositions);
      if (!checked.ok) throw new HttpError(400, checked.message);
      const d = db();
      if (!(await wasParty(d, linkedid, agent).catch(unavailable)))
        throw new HttpError(403, `linkedid: ${agent} was not a party of the call ${linkedid}`);
      const saved = await saveCallNote(d, { linkedid, agent, ...checked.value }).catch(unavailable);
      ctx.logger.info(
        { linkedid, agent, disposition: saved.disposition, noteChars: saved.note.length },
        'call note saved',
      );
      return saved;
    },
  );

  app.get(
    '/softphone/calls/:linkedid/note',
    { onRequest: requireRole('agent', 'supervisor', 'admin') },
    async (request) => {
      const linkedid = linkedidOf(request);
      const agent = agentOf(request);
      const [note] = await notesOf(db(), linkedid, agent).catch(unavailable);
      if (!note) throw new HttpError(404, `no note of ${agent} on the call ${linkedid}`);
      return note;
    },
  );

  app.get(
    '/calls/:linkedid/notes',
    { onRequest: requireScope('recordings:read') },
    async (request) => {
      const linkedid = linkedidOf(request);
      return { notes: await notesOf(db(), linkedid).catch(unavailable) };
    },
  );
}
