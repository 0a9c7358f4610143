import { writeLog } from './observability/logger';

/**
 * A structured log line outside a request's own line (the request telemetry writes that one).
 * Callers pass only what is safe to log: never a key, a token or a request header.
 */
export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  writeLog(level, message, fields);
}
