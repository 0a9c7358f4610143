import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { GATEWAY_MIN_COMPRESSION_BYTES } from '../../functions/core/http/gateway-responses';
import { headerValue } from '../../functions/core/http/headers';
import { correlationIdFrom } from '../../functions/core/http/request-telemetry';
import { createRouter, matchRoute, type LocalRouter, type RouterOptions } from './router';
import { createLocalIssuer, type LocalIssuer } from './oidc-issuer';
import { createSignInFlow, type SignInFlow } from './sign-in';
import { consoleFile } from './console-files';
import { CONSOLE_DIST } from './console-build';
import { createLocalSecretScanner, type LocalSecretScanner } from './secret-scanner';

/**
 * The local HTTP server: API Gateway's stand-in (the router), the local OIDC issuer's routes
 * under `/local/` (`POST /local/token`, `GET /local/jwks.json`, and the console's sign-in, see
 * sign-in.ts; and the local secret scanner's `GET /local/secret-scanning/public-keys` and
 * `POST /local/secret-scanning/sign`, which answers the signature headers of the body it is
 * sent), which exist here only, and the admin console at `/` (console/dist, with its
 * `/config.json`). The API's routes take precedence over console files.
 */

/** Where the local secret scanner publishes its keys, under the server's URL. */
export const LOCAL_SCANNER_KEYS_PATH = '/local/secret-scanning/public-keys';

// API Gateway's own payload limit; the handlers enforce the contract's 1 MiB themselves.
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export interface LocalServer {
  url: string;
  /** The same server on the IPv6 loopback (`http://[::1]:<port>`), when the machine has one. */
  urlV6?: string;
  issuer: LocalIssuer;
  scanner: LocalSecretScanner;
  signIn: SignInFlow;
  router: LocalRouter;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Like API Gateway's content encoding: gzip when the client accepts it (q=0 refuses). */
function acceptsGzip(headers: Record<string, string>): boolean {
  const accepted = headerValue(headers, 'accept-encoding') ?? '';
  return accepted.split(',').some((coding) => /^\s*(gzip|\*)\s*(;\s*q=(0?\.\d*[1-9]\d*|1(\.0*)?))?\s*$/i.test(coding));
}

/** What `readBody` answers for a body over the gateway's limit (a symbol: no body text can equal it). */
const TOO_LARGE = Symbol('too-large');

function readBody(request: IncomingMessage): Promise<string | undefined | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () =>
      size > GATEWAY_MAX_BODY ? resolve(TOO_LARGE) : resolve(size === 0 ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

async function localTokenRoute(issuer: LocalIssuer, body: string | undefined, response: ServerResponse) {
  let parsed: { email?: unknown; emailVerified?: unknown } = {};
  try {
    parsed = body ? (JSON.parse(body) as typeof parsed) : {};
  } catch {
    return send(response, 400, { message: 'The request body is not valid JSON.', code: 'bad_request' });
  }
  if (typeof parsed.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(parsed.email)) {
    return send(response, 400, {
      message: 'Send {"email": "you@example.org"} to get a token for that person.',
      code: 'validation_error',
      details: [{ path: 'email', message: 'An email address is required.' }],
    });
  }
  const token = await issuer.issueToken({ email: parsed.email, emailVerified: parsed.emailVerified !== false });
  return send(response, 200, { token });
}

/** Starts the server on 127.0.0.1:`port` (0 picks a free port). */
export async function startLocalServer(options: {
  port: number;
  issuerKeyFile?: string;
  /** Loads a function's module (default: the TypeScript source; test/infra/deployed-bundles.test.ts: the bundle). */
  load?: RouterOptions['load'];
}): Promise<LocalServer> {
  const router = createRouter({ load: options.load });
  const scanner = createLocalSecretScanner();
  let issuer: LocalIssuer | undefined;
  let signIn: SignInFlow | undefined;
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    // Every answer of this server, its own `/local/` routes and console files included, carries
    // these; the API's answers set their own (writeHead's headers take precedence).
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Correlation-Id', correlationIdFrom(request.headers as Record<string, string | undefined>));
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = await readBody(request);
      if (body === TOO_LARGE)
        return send(response, 413, { message: 'The request body is too large.', code: 'payload_too_large' });
      if (url.pathname === '/local/jwks.json' && request.method === 'GET') return send(response, 200, issuer!.jwks);
      // OIDC discovery, as Cognito publishes it: the OpenAPI document's openIdConnect scheme points here.
      if (url.pathname === '/local/.well-known/openid-configuration' && request.method === 'GET')
        return send(response, 200, {
          issuer: issuer!.issuer,
          jwks_uri: issuer!.jwksUrl,
          authorization_endpoint: `${issuer!.issuer}/oauth2/authorize`,
          token_endpoint: `${issuer!.issuer}/oauth2/token`,
          end_session_endpoint: `${issuer!.issuer}/logout`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          code_challenge_methods_supported: ['S256'],
          scopes_supported: ['openid', 'email'],
          claims_supported: ['sub', 'email', 'email_verified'],
        });
      if (url.pathname === '/local/token' && request.method === 'POST') return await localTokenRoute(issuer!, body, response);
      if (url.pathname === LOCAL_SCANNER_KEYS_PATH && request.method === 'GET') return send(response, 200, scanner.document);
      if (url.pathname === '/local/secret-scanning/sign' && request.method === 'POST')
        return send(response, 200, scanner.sign(body ?? ''));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
      const method = request.method ?? 'GET';
      const signInAnswer = url.pathname.startsWith('/local/') && (await signIn!.handle({ method, url, headers, body }));
      if (signInAnswer) {
        response.writeHead(signInAnswer.status, signInAnswer.headers);
        return response.end(signInAnswer.body);
      }
      if (method === 'GET' && url.pathname === '/config.json')
        return send(response, 200, signIn!.consoleConfig(), { 'Cache-Control': 'no-store' });
      const file = method === 'GET' && !matchRoute(method, url.pathname) ? consoleFile(CONSOLE_DIST, url.pathname) : undefined;
      if (file) {
        response.writeHead(file.status, file.headers);
        return response.end(file.body);
      }
      const result = await router({
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
        sourceIp: request.socket.remoteAddress,
      });
      const resultHeaders = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      if (result.stream) {
        // As API Gateway streams: the function's bytes as they come (it gzips them itself), no content length.
        response.writeHead(result.statusCode, resultHeaders);
        response.flushHeaders();
        try {
          await pipeline(result.stream, response);
        } catch {
          // Broken off half-way: the client must see an incomplete transfer, never a shorter answer that looks whole.
          response.destroy();
        }
        return;
      }
      let payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
      if (
        acceptsGzip(headers) &&
        payload.length >= GATEWAY_MIN_COMPRESSION_BYTES &&
        !headerValue(resultHeaders, 'content-encoding')
      ) {
        payload = gzipSync(payload);
        resultHeaders['Content-Encoding'] = 'gzip';
      }
      response.writeHead(result.statusCode, resultHeaders);
      response.end(payload);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'local server failure',
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      if (!response.headersSent) send(response, 500, { message: 'Internal error.', code: 'internal' });
      else response.end();
    }
  };
  // `answer` turns every failure into a 500; this catch is for one while answering the 500.
  const serve = (request: IncomingMessage, response: ServerResponse) => {
    answer(request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', message: 'local server failure while answering', error: String(error) }));
      response.destroy();
    });
  };
  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${options.port} is in use; set PORT to another port.`) : error),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  // The IPv6 loopback too, on the same port, so `localhost` works either way and IPv6 clients
  // (and allowlists of IPv6 ranges) can be tried; a machine without IPv6 goes without.
  const serverV6: Server = createServer(serve);
  const listeningV6 = await new Promise<boolean>((resolve) => {
    serverV6.once('error', () => resolve(false));
    serverV6.listen(port, '::1', () => resolve(true));
  });
  issuer = await createLocalIssuer(url, { keyFile: options.issuerKeyFile });
  signIn = createSignInFlow(issuer, url);
  return {
    url,
    issuer,
    scanner,
    signIn,
    router,
    ...(listeningV6 ? { urlV6: `http://[::1]:${port}` } : {}),
    close: async () => {
      const closing = [server, ...(listeningV6 ? [serverV6] : [])].map(
        (each) =>
          new Promise<void>((resolve) => {
            each.closeAllConnections();
            each.close(() => resolve());
          }),
      );
      await Promise.all(closing);
    },
  };
}
