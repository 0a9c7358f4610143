import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { routeList } from '../../functions/routes';

/**
 * The import graph of functions/, lib/ and bin/ (type-only imports included): no cycles, and
 * dependencies pointing one way: edge (handlers, authorizers, local runtime, stack) -> domain
 * (functions/core) -> table (functions/core/table.ts, the only module that talks to DynamoDB).
 */

const ROOT = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/g;

/** `import type` and `export type`: erased by the compiler, so they load nothing at run time. */
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s/;

function importsOf(file: string): { local: string[]; runtime: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const local: string[] = [];
  const runtime: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = (match[1] ?? match[2])!;
    if (!specifier.startsWith('.')) {
      packages.push(specifier);
      continue;
    }
    const base = resolve(dirname(file), specifier);
    const target = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
    if (!target) throw new Error(`${relative(ROOT, file)} imports ${specifier}, which does not resolve`);
    local.push(target);
    if (!TYPE_ONLY.test(match[0])) runtime.push(target);
  }
  return { local, runtime, packages };
}

const files = ['functions', 'lib', 'bin'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => relative(ROOT, file);

function reachable(from: string, { runtimeOnly = false } = {}): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const imports = graph.get(stack.pop()!);
    for (const next of (runtimeOnly ? imports?.runtime : imports?.local) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

describe('the import graph', () => {
  it('has no cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file)?.local ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map(name).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('the domain (functions/core) imports nothing from the edge (handlers, authorizers, routes, lib)', () => {
    const edge = [
      'functions/admin/',
      'functions/data/',
      'functions/public/',
      'functions/auth/',
      'functions/routes/',
      'lib/',
      'bin/',
    ];
    const wrong = files
      .filter((file) => name(file).startsWith('functions/core/'))
      .flatMap((file) =>
        graph
          .get(file)!
          .local.filter((target) => edge.some((prefix) => name(target).startsWith(prefix)))
          .map((target) => `${name(file)} -> ${name(target)}`),
      );
    expect(wrong).toEqual([]);
  });

  it('only functions/core/table.ts talks to DynamoDB', () => {
    const talking = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) =>
        graph.get(file)!.packages.some((pkg) => /^@aws-sdk\/(client-dynamodb|lib-dynamodb|util-dynamodb)/.test(pkg)),
      )
      .map(name);
    expect(talking).toEqual(['functions/core/table.ts']);
  });

  it('one module each talks to S3 (blob-store), signs S3 links (download-links) and talks to SQS (report-queue), and no other AWS service is called', () => {
    const byPackage = (pattern: RegExp) =>
      files
        .filter((file) => name(file).startsWith('functions/'))
        .filter((file) => graph.get(file)!.packages.some((pkg) => pattern.test(pkg)))
        .map(name);
    expect(byPackage(/^@aws-sdk\/client-s3$/)).toEqual(['functions/core/blob-store.ts']);
    expect(byPackage(/^@aws-sdk\/s3-request-presigner$/)).toEqual(['functions/core/download-links.ts']);
    expect(byPackage(/^@aws-sdk\/client-sqs$/)).toEqual(['functions/core/reports/report-queue.ts']);
    const others = files
      .filter((file) => name(file).startsWith('functions/'))
      .flatMap((file) => graph.get(file)!.packages.filter((pkg) => pkg.startsWith('@aws-sdk/')))
      .filter(
        (pkg) =>
          !/^@aws-sdk\/(client-dynamodb|lib-dynamodb|util-dynamodb|client-s3|s3-request-presigner|client-sqs|client-api-gateway)$/.test(
            pkg,
          ),
      );
    expect(others).toEqual([]);
  });

  it('only functions/core/gateway-usage-plans.ts talks to API Gateway', () => {
    const gateway = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) => graph.get(file)!.packages.some((pkg) => pkg.startsWith('@aws-sdk/client-api-gateway')))
      .map(name);
    expect(gateway).toEqual(['functions/core/gateway-usage-plans.ts']);
  });

  it('schemas and limits reach nothing that does I/O', () => {
    const pure = [
      'functions/admin/schemas.ts',
      'functions/data/schemas.ts',
      'functions/public/schemas.ts',
      'functions/core/http/common-schemas.ts',
      'functions/core/limits.ts',
      'functions/core/measurement-windows.ts',
      'functions/core/metric-select.ts',
      'functions/core/roles.ts',
      'functions/core/table-schema.ts',
      'functions/core/application-partition.ts',
      'functions/data/report-schemas.ts',
      'functions/core/reports/report-query.ts',
      'functions/core/archive/archive-format.ts',
    ];
    const table = join(ROOT, 'functions/core/table.ts');
    const impure = pure.filter((file) => {
      const path = join(ROOT, file);
      return path === table || reachable(path).has(table);
    });
    expect(impure).toEqual([]);
  });

  it('a route handler imports its own resource module of the route table, never the whole table', () => {
    const handlers = files.filter((file) => /^functions\/(admin|data|public)\/[^/]+\.ts$/.test(name(file)));
    const whole = join(ROOT, 'functions/routes/index.ts');
    const offenders = handlers
      .filter((file) => name(file) !== 'functions/public/openapi.ts') // documents every route
      .filter((file) => reachable(file).has(whole))
      .map(name);
    expect(offenders).toEqual([]);
  });

  it('a public route reaches no DynamoDB client at run time (its handler skips the access checks and their reads)', () => {
    const table = join(ROOT, 'functions/core/table.ts');
    const offenders = routeList
      .filter((route) => route.credential === 'none' && route.tableAccess === 'none')
      .map((route) => join(ROOT, 'functions', `${route.handler}.ts`))
      .filter((file) => reachable(file, { runtimeOnly: true }).has(table))
      .map(name);
    expect(offenders).toEqual([]);
  });
});
