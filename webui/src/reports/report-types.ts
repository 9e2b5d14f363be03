// The reports API's answer (operator/src/api/reports/routes.ts).
export type PeriodName = 'today' | '7d' | '30d' | 'custom';

export interface QueueSummary {
  offered: number;
  answered: number;
  abandoned: number;
  timedOut: number;
  serviceLevelPercent: number | null;
  answeredWithinServiceLevel: number;
  averageWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  longestWaitSeconds: number | null;
  averageHandleSeconds: number | null;
}

export interface HourRow {
  hour: number;
  offered: number;
  answered: number;
  abandoned: number;
}

export interface AgentRow {
  member: string;
  agent: string | null;
  answered: number;
  missed: number;
  talkSeconds: number;
  averageHandleSeconds: number | null;
  signedInSeconds: number;
  pausedSeconds: Record<string, number>;
}

export interface QueueReport {
  period: {
    name: PeriodName;
    firstDay: string;
    lastDay: string;
    timeZone: string;
    from: string;
    to: string;
  };
  queue: string | null;
  queues: string[];
  summary: QueueSummary;
  hours: HourRow[];
  agents: AgentRow[];
}

export interface ReportChoice {
  period: PeriodName;
  from: string;
  to: string;
  queue: string;
  timeZone: string;
}
