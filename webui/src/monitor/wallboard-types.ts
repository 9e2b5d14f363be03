// The wallboard feed as the page receives it (GET /monitor/events): the
// operator's own shapes (type-only imports: nothing of the operator is bundled).
export type { DayCounts } from '../../../operator/src/monitoring/day-counts.ts';
export type {
  AgentActivity,
  Liveness,
  WallboardAgent,
  WallboardCall,
  WallboardCaller,
  WallboardChange,
  WallboardQueue,
  WallboardSnapshot,
} from '../../../operator/src/monitoring/wallboard.ts';
