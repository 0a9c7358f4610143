import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * What a handler answers: a status and a JSON body (or none, for 204), or with `contentType` a
 * body that is already text in that media type (csv-wide answers).
 */
export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string>; contentType?: undefined; chunks?: undefined }
  | { status: number; body: string; headers?: Record<string, string>; contentType: string; chunks?: undefined }
  | StreamedReply;

/**
 * An answer written as it is made (routes whose row says `streamed`): its text in `chunks`, in
 * order, each sent as soon as it is made. Its status and headers are final once the first chunk
 * is asked for: whatever can refuse the request must have refused it before.
 */
export interface StreamedReply {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  chunks: AsyncIterable<string>;
  body?: undefined;
}

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

/** The Lambda result of a handler's reply (not of a streamed one: see route-handler.ts). */
export function replyResult(reply: Exclude<Reply, StreamedReply>): APIGatewayProxyResult {
  if (reply.contentType === undefined) return jsonResult(reply.status, reply.body, reply.headers);
  return {
    statusCode: reply.status,
    headers: { ...BASE_HEADERS, 'Content-Type': reply.contentType, ...reply.headers },
    body: reply.body,
  };
}

export const BASE_RESPONSE_HEADERS = BASE_HEADERS;

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const noContent = (): Reply => ({ status: 204 });
