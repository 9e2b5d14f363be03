// Recordings for admins (an admin session, or an API token with the scope
// recordings:read); an agent's session gets 403, nobody gets a file path.
//   GET /recordings?linkedid=&from=&to=&limit=   the recorded calls, newest
//       first, each with `available` (false: the file is missing) and its size
//   GET /recordings/<id>              the audio (HTTP Range: seeking works)
//   GET /recordings/<id>?download=1   the same as an attachment
// The id is checked before anything else (recording-id.ts: 400 for "../",
// absolute or encoded paths), then looked up in the call records (404: no
// such recording), then on disk (404 saying the file is missing). A playback
// or download is recorded (a log line and a recording_access row) before the
// first byte is sent; the requests a player makes to seek (a Range not
// starting at 0) are the same playback and are not recorded again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HistoryUnavailableError } from '../../history/database.ts';
import type { RecordingCatalog } from '../../recordings/catalog.ts';
import { checkRecordingId, recordingContentType } from '../../recordings/recording-id.ts';
import { type ApiContext, requireScope } from '../context.ts';
import { HttpError } from '../errors.ts';

export const LIST_LIMIT_MAX = 500;

/** Parses the list query; throws a 400 naming the field. */
export function listQuery(q: Record<string, string | undefined>): {
  linkedid?: string;
  from?: Date;
  to?: Date;
  limit: number;
} {
  const date = (field: 'from' | 'to') => {
    const text = q[field];
    if (text === undefined || text === '') return undefined;
    const d = new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime()))
      throw new HttpError(400, `${field}: "${text}" is not an ISO 8601 date or time`);
    return d;
  };
  const from = date('from');
  const to = date('to');
  if (from && to && from >= to) throw new HttpError(400, 'from: must be before to');
  const limitText = q.limit ?? '100';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX)
    throw new HttpError(400, `limit: must be a whole number from 1 to ${LIST_LIMIT_MAX}`);
  const linkedid = q.linkedid;
  if (linkedid !== undefined && !/^[A-Za-z0-9._-]{1,150}$/.test(linkedid))
    throw new HttpError(400, 'linkedid: letters, digits, ".", "_" and "-" only');
  return {
    ...(linkedid !== undefined ? { linkedid } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    limit,
  };
}

/** A playback starts at byte 0 (no Range, or bytes=0-...); other ranges are seeks. */
export function startsPlayback(range: string | undefined): boolean {
  return range === undefined || /^bytes=0-/.test(range.trim());
}

export function registerRecordingRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  catalog: RecordingCatalog | undefined,
): void {
  const need = (): RecordingCatalog => {
    if (!catalog)
      throw new HttpError(
        503,
        'call recording is not configured on this operator (RECORDINGS_DIR and the history database)',
      );
    return catalog;
  };
  const unavailable = (err: unknown): never => {
    if (err instanceof HistoryUnavailableError) throw new HttpError(503, err.message);
    throw err;
  };
  const onRequest = requireScope('recordings:read');

  app.get('/recordings', { onRequest }, async (request) => {
    const q = listQuery(request.query as Record<string, string | undefined>);
    const recordings = await need().list(q).catch(unavailable);
    return { recordings };
  });

  app.get('/recordings/*', { onRequest }, async (request: FastifyRequest, reply: FastifyReply) => {
    // The wildcard takes the rest of the path, slashes included, so a "../"
    // or an absolute path reaches the check (and its 400) instead of the router's 404.
    const raw = (request.params as { '*': string })['*'];
    const checked = checkRecordingId(raw);
    if (!checked.ok) throw new HttpError(400, checked.message);
    const id = checked.id;
    const c = need();
    const row = await c.find(id).catch(unavailable);
    if (!row) throw new HttpError(404, `no recording ${id} in the call records`);
    const bytes = await c.size(id);
    if (bytes === undefined)
      throw new HttpError(
        404,
        `the recording ${id} is missing: the call record names it, but its file is not in the recordings volume`,
      );
    const download = (request.query as { download?: string }).download;
    const action = download === '1' || download === 'true' ? 'download' : 'play';
    // HEAD (fastify answers it from this route) sends no audio: nothing to record.
    if (
      request.method === 'GET' &&
      (action === 'download' || startsPlayback(request.headers.range))
    ) {
      const principal = request.apiToken
        ? `token:${request.apiToken.name}`
        : (request.principal?.sub ?? 'unknown');
      await c
        .logAccess({ recording: id, linkedid: row.linkedid, action, principal, client: request.ip })
        .catch(unavailable);
      ctx.logger.info(
        { recording: id, linkedid: row.linkedid, action, principal, client: request.ip },
        'recording accessed',
      );
    }
    reply.header('content-type', recordingContentType(id));
    if (action === 'download') reply.header('content-disposition', `attachment; filename="${id}"`);
    // @fastify/static (registered for the web UI) answers Range, If-Range and HEAD.
    return reply.sendFile(id, c.dir, { cacheControl: false, dotfiles: 'deny' });
  });
}
