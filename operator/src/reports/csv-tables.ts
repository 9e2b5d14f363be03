// The report's tables as CSV files: the columns a spreadsheet user expects,
// seconds as numbers, one column per pause reason.
import { type CsvColumn, toCsv } from './csv.ts';
import type { AgentRow, HourRow, QueueReport, QueueSummary } from './report.ts';

export type ReportTable = 'summary' | 'hours' | 'agents';
export const REPORT_TABLES: readonly ReportTable[] = ['summary', 'hours', 'agents'];

const SUMMARY: CsvColumn<QueueSummary>[] = [
  { header: 'offered', value: (s) => s.offered },
  { header: 'answered', value: (s) => s.answered },
  { header: 'abandoned', value: (s) => s.abandoned },
  { header: 'timed_out', value: (s) => s.timedOut },
  { header: 'answered_within_service_level', value: (s) => s.answeredWithinServiceLevel },
  { header: 'service_level_percent', value: (s) => s.serviceLevelPercent },
  { header: 'average_wait_s', value: (s) => s.averageWaitSeconds },
  { header: 'p90_wait_s', value: (s) => s.p90WaitSeconds },
  { header: 'longest_wait_s', value: (s) => s.longestWaitSeconds },
  { header: 'average_handle_s', value: (s) => s.averageHandleSeconds },
];

const HOURS: CsvColumn<HourRow>[] = [
  { header: 'hour', value: (h) => h.hour },
  { header: 'offered', value: (h) => h.offered },
  { header: 'answered', value: (h) => h.answered },
  { header: 'abandoned', value: (h) => h.abandoned },
];

function agentColumns(rows: readonly AgentRow[]): CsvColumn<AgentRow>[] {
  const reasons = [...new Set(rows.flatMap((r) => Object.keys(r.pausedSeconds)))].sort();
  return [
    { header: 'member', value: (r) => r.member },
    { header: 'agent', value: (r) => r.agent },
    { header: 'answered', value: (r) => r.answered },
    { header: 'missed', value: (r) => r.missed },
    { header: 'talk_s', value: (r) => r.talkSeconds },
    { header: 'average_handle_s', value: (r) => r.averageHandleSeconds },
    { header: 'signed_in_s', value: (r) => r.signedInSeconds },
    ...reasons.map((reason) => ({
      header: `paused_${reason || 'no_reason'}_s`,
      value: (r: AgentRow) => r.pausedSeconds[reason] ?? 0,
    })),
  ];
}

export function reportCsv(report: QueueReport, table: ReportTable): string {
  if (table === 'summary') return toCsv(SUMMARY, [report.summary]);
  if (table === 'hours') return toCsv(HOURS, report.hours);
  return toCsv(agentColumns(report.agents), report.agents);
}
