import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from './headers';

/**
 * The base URL clients reached this API at, from the request itself: the host API Gateway
 * answered on, plus the stage when the URL carries it (`https://<id>.execute-api.../v1`), or
 * nothing when a custom domain maps the API at its root (`https://api.example.org`). Derived per
 * request because the stack cannot hand a function its own API's URL (that would be a cycle).
 */
export function requestBaseUrl(event: Pick<APIGatewayProxyEvent, 'headers' | 'path' | 'requestContext'>): string {
  const host = event.requestContext.domainName ?? headerValue(event.headers, 'host') ?? 'localhost';
  const protocol = headerValue(event.headers, 'x-forwarded-proto') ?? (isLoopback(host) ? 'http' : 'https');
  // requestContext.path is the path as sent (with the stage on execute-api URLs); event.path is
  // the path API Gateway matched, without it.
  const sentPath = event.requestContext.path ?? event.path;
  const prefix = sentPath.endsWith(event.path) ? sentPath.slice(0, sentPath.length - event.path.length) : '';
  return `${protocol}://${host}${prefix}`;
}

function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
}
