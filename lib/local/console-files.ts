import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { consoleSecurityHeaders } from '../console-security-headers';

/**
 * The built admin console (console/dist) as the local server serves it at `/`, with the same
 * security headers CloudFront adds in AWS. Hashed assets are cached for good; index.html never.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface ConsoleFile {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The console file for a GET path, or undefined when the path is not the console's. */
export function consoleFile(distDir: string, pathname: string): ConsoleFile | undefined {
  let relativePath: string;
  try {
    relativePath = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return undefined; // a malformed escape is no file of ours
  }
  const file = normalize(join(distDir, relativePath));
  if (!file.startsWith(distDir + sep) || relativePath.startsWith('.')) return undefined;
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (pathname !== '/') return undefined;
    return {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders() },
      body: Buffer.from('The admin console is not built. Run `npm run build:console` (npm start does it by itself).\n'),
    };
  }
  const immutable = relativePath.startsWith('assets/');
  return {
    status: 200,
    headers: {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...consoleSecurityHeaders(),
    },
    body: readFileSync(file),
  };
}
