// Every schema version of the history database, oldest first. A migration is
// never edited once released (the runner refuses a changed checksum): a
// change is a new version appended here.
import type { Migration } from '../migrate.ts';
import { callRecords } from './0001-call-records.ts';
import { queueLog } from './0002-queue-log.ts';
import { recordings } from './0003-recordings.ts';
import { reportIndexes } from './0004-reports.ts';
import { callNotes } from './0005-call-notes.ts';
import { reportRollup } from './0006-report-rollup.ts';

export const MIGRATIONS: readonly Migration[] = [
  callRecords,
  queueLog,
  recordings,
  reportIndexes,
  callNotes,
  reportRollup,
];
