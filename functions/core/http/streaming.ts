import { Readable, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

/**
 * Lambda response streaming for the routes that stream (a route row's `streamed`): middy's
 * `streamifyResponse` wraps the handler with the runtime's `awslambda.streamifyResponse`, and
 * writes the answer's status and headers with `awslambda.HttpResponseStream.from` before the body
 * (the integration API Gateway's `responseTransferMode: STREAM` invokes). The runtime provides
 * `awslambda` as a global; anywhere else (the local server, tests, the bench's cold imports) this
 * module installs a stand-in with the same two calls, so a streamed handler is one function
 * `(event, responseStream, context)` everywhere: the local server hands it a writable that
 * receives the status and headers through PRELUDE and the body as it is written.
 */

/** The status and headers of a streamed answer, as `HttpResponseStream.from` receives them. */
export interface StreamPrelude {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
}

/** A writable's hook for the prelude (the local stand-in of HttpResponseStream). */
export const PRELUDE = Symbol.for('datagate.streamPrelude');

type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<void>;

interface LambdaStreamingGlobal {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: Writable, prelude: StreamPrelude): Writable };
}

const runtime = globalThis as unknown as { awslambda?: Partial<LambdaStreamingGlobal> };
// Other libraries (the SDK's invoke store) create `awslambda` too, without these: fill in what is missing.
const lambdaGlobal = (runtime.awslambda ??= {});
// The local router knows a streamed route by its row, so the stand-in leaves the handler as it is.
lambdaGlobal.streamifyResponse ??= (handler) => handler;
lambdaGlobal.HttpResponseStream ??= {
  from(stream, prelude) {
    (stream as Writable & { [PRELUDE]?: (prelude: StreamPrelude) => void })[PRELUDE]?.(prelude);
    return stream;
  },
};

/**
 * The body of a streamed answer: the chunks as they are made, gzip-encoded in the function when
 * `gzip` (API Gateway does not encode streamed answers). Pulled as the client takes it, so a
 * slow client slows the reads instead of filling memory.
 */
export function streamedBody(chunks: AsyncIterable<string>, gzip: boolean): Readable {
  const body = Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 });
  if (!gzip) return body;
  const encoded = createGzip({ level: 6 });
  body.on('error', (error) => encoded.destroy(error));
  return body.pipe(encoded);
}
