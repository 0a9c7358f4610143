import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * What a handler answers: a status and a JSON body (or none, for 204), or with `contentType` a
 * body that is already text in that media type (csv-wide answers).
 */
export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string>; contentType?: undefined }
  | { status: number; body: string; headers?: Record<string, string>; contentType: string };

const BASE_HEADERS = {
  'Content-Type': 'application/json',
  // Answers can carry plaintext keys and org data: never cache them anywhere.
  'Cache-Control': 'no-store',
  // A browser must take an answer for what its Content-Type says, never sniff it into HTML or script.
  'X-Content-Type-Options': 'nosniff',
};

export function jsonResult(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** The Lambda result of a handler's reply. */
export function replyResult(reply: Reply): APIGatewayProxyResult {
  if (reply.contentType === undefined) return jsonResult(reply.status, reply.body, reply.headers);
  return {
    statusCode: reply.status,
    headers: { ...BASE_HEADERS, 'Content-Type': reply.contentType, ...reply.headers },
    body: reply.body,
  };
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });
