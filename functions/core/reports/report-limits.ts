/** Limits of report requests (pure: the route table's descriptions quote them). */

/** Report requests an org may make in one UTC day (Clarity's limit); platform/limits.ts holds it, beside each connection's default share. */
export { REPORTS_PER_ORG_PER_DAY } from '../platform/limits';

/** Report records, and their files by the bucket's lifecycle, are kept this long. */
export const REPORT_RETENTION_DAYS = 7;

/**
 * A report in progress whose last step is older than this has stalled: its worker could neither
 * finish it nor record why (DynamoDB unavailable through a task's every delivery, the last one's
 * failure write included). Longer than one task's every delivery may take (3 receives of a
 * 12-minute visibility timeout, lib/report-resources.ts), so a report still being worked on is
 * never taken for stalled.
 */
export const REPORT_STALL_MINUTES = 60;
