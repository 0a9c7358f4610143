/** Limits of report requests (pure: the route table's descriptions quote them). */

/** Report requests an org may make in one UTC day (Clarity's limit). */
export const REPORTS_PER_ORG_PER_DAY = 30;

/** Report records, and their files by the bucket's lifecycle, are kept this long. */
export const REPORT_RETENTION_DAYS = 7;
