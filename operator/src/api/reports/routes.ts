// GET /reports/queues (JSON) and /reports/queues.csv?table=summary|hours|agents:
// a queue report for a period in the viewer's time zone, from the history
// database. Bad parameters: 400 naming each; history not configured or down:
// 503 with the reason (HistoryUnavailableError's message, safe to show);
// any other database error is logged and answered 500 without its text.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HistoryUnavailableError } from '../../history/database.ts';
import { REPORT_TABLES, type ReportTable, reportCsv } from '../../reports/csv-tables.ts';
import { parseReportParams, type ReportParams } from '../../reports/params.ts';
import { type Query, type QueueReport, queueReport } from '../../reports/report.ts';
import { type ApiContext, requireRole } from '../context.ts';
import { HttpError, invalidBody } from '../errors.ts';
import { knownQueues, memberAgents } from './queues.ts';

/** Who may read reports: the admin and supervisors (issue 14: admin/supervisor). */
export const REPORT_ROLES = ['admin', 'supervisor'] as const;

/** The history database's query, or 503 when history is not configured. */
export function historyQuery(ctx: ApiContext): Query {
  const history = ctx.history;
  if (!history) throw new HttpError(503, 'call history is not configured (HISTORY_DB_* settings)');
  return async (text, values) => history.query(text, values);
}

/** Database failures as API errors: unavailable → 503 with its reason; the rest stay 500. */
export async function fromHistory<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof HistoryUnavailableError) throw new HttpError(503, err.message);
    throw err;
  }
}

export function registerReportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const ns = ctx.settings.namespace;
  const { caches } = ctx;

  const run = async (
    request: FastifyRequest,
  ): Promise<{ params: ReportParams; report: QueueReport; queues: string[] }> => {
    const queues = knownQueues(caches.queues.list(ns), caches.configs.get('default', ns));
    const now = new Date();
    const parsed = parseReportParams(request.query as Record<string, unknown>, queues.names, now);
    if (!parsed.ok) throw invalidBody(parsed.errors);
    const query = historyQuery(ctx);
    const report = await fromHistory(() =>
      queueReport(
        query,
        parsed.params,
        queues.serviceLevels,
        memberAgents(caches.agents.list(ns)),
        now,
      ),
    );
    return { params: parsed.params, report, queues: [...queues.names].sort() };
  };

  app.get('/reports/queues', { onRequest: requireRole(...REPORT_ROLES) }, async (request) => {
    const { params, report, queues } = await run(request);
    return {
      period: {
        name: params.period,
        firstDay: params.firstDay,
        lastDay: params.lastDay,
        timeZone: params.timeZone,
        from: params.range.from.toISOString(),
        to: params.range.to.toISOString(),
      },
      queue: params.queue ?? null,
      queues,
      ...report,
    };
  });

  app.get(
    '/reports/queues.csv',
    { onRequest: requireRole(...REPORT_ROLES) },
    async (request, reply) => {
      const { table: tableParam, ...rest } = request.query as Record<string, unknown>;
      const table = (tableParam ?? 'summary') as ReportTable;
      if (!REPORT_TABLES.includes(table))
        throw invalidBody([
          { field: 'table', message: `must be one of ${REPORT_TABLES.join(', ')}` },
        ]);
      const { params, report } = await run({ ...request, query: rest } as FastifyRequest);
      const name = `${table}-${params.queue ?? 'all-queues'}-${params.firstDay}-${params.lastDay}.csv`;
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        );
      return reportCsv(report, table);
    },
  );
}
