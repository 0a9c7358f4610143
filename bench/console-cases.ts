import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../lib/local/console-build';
import type { Figures } from './cases';

/**
 * `console.bundleGzipBytes`: what a browser downloads for the console's first screen, gzipped:
 * every script, module preload and stylesheet that console/dist/index.html references.
 */
export async function consoleCases(): Promise<Figures> {
  ensureConsoleBuilt({ quiet: true });
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
  if (assets.length === 0) throw new Error('console/dist/index.html references no script or stylesheet.');
  const bytes = assets.reduce((total, asset) => total + gzipSync(readFileSync(join(CONSOLE_DIST, asset))).length, 0);
  return { 'console.bundleGzipBytes': bytes };
}
