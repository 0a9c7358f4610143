/**
 * Structured JSON logs. Callers pass only what is safe to log: never a key, a token or a
 * request header; the request logger records method, route, status and duration.
 */
export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  if (process.env.DATAGATE_LOG === 'silent') return;
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else console.log(line);
}
