import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { routeList } from '../../functions/routes';
import { AUTHORIZERS } from '../../lib/authorizers';
import { workerList } from '../../functions/workers';

/**
 * The import graph of functions/, lib/ and bin/ (type-only imports included): no cycles between
 * files or between folders, and dependencies pointing one way: edge (handlers in functions/admin,
 * data, public, workers and auth; the route rows in functions/routes; the local runtime and the
 * stack) -> domain (functions/core/<folder>) -> store (functions/core/store/table.ts, the only
 * module that talks to DynamoDB). Every file a rule names must exist, or the rule fails.
 */

const ROOT = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)|(?:^|\n)\s*import\s+'([^']+)'/g;

/** `import type` and `export type`: erased by the compiler, so they load nothing at run time. */
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s/;

function importsOf(file: string): { local: string[]; runtime: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const local: string[] = [];
  const runtime: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = (match[1] ?? match[2] ?? match[3])!;
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

/** `file` (relative to the repository), which must exist: a rule about a missing file would always pass. */
function existing(file: string): string {
  const path = join(ROOT, file);
  if (!existsSync(path)) throw new Error(`the rule names ${file}, which does not exist`);
  return path;
}

/** Folders whose files are Lambda handlers only (and the route rows, which name them). */
const HANDLER_EDGES = ['admin', 'data', 'public', 'workers', 'auth'];
const EDGES = [...HANDLER_EDGES, 'routes'];

/**
 * The folder a file belongs to, for the folder rules: `functions/<edge>` or
 * `functions/core/<domain folder>`; loose files of functions/core count as `functions/core`.
 */
function folderOf(file: string): string | undefined {
  const parts = name(file).split('/');
  if (parts[0] !== 'functions') return undefined;
  if (parts[1] === 'core' && parts.length > 3) return `functions/core/${parts[2]}`;
  return `functions/${parts[1]}`;
}

/** Imports between folders, as `from -> to` edges (with one example file pair each). */
function folderEdges(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file);
    if (!from) continue;
    for (const target of graph.get(file)!.local) {
      const to = folderOf(target);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)!.set(to, `${name(file)} -> ${name(target)}`);
    }
  }
  return edges;
}

/** Cycles in a directed graph given as adjacency sets, each as `a -> b -> a`. */
function cyclesOf(edges: Map<string, Iterable<string>>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

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

  it('has no cycle between folders (functions/<edge>, functions/core/<folder>)', () => {
    const edges = new Map([...folderEdges()].map(([from, to]) => [from, [...to.keys()]]));
    expect(cyclesOf(edges)).toEqual([]);
  });

  it('the domain (functions/core) imports nothing from the edge (handlers, authorizers, routes, workers, lib)', () => {
    const edge = [...EDGES.map((folder) => existing(`functions/${folder}`)), existing('lib'), existing('bin')].map(
      (path) => `${name(path)}/`,
    );
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

  it('only functions/core/store/table.ts talks to DynamoDB', () => {
    const talking = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) =>
        graph.get(file)!.packages.some((pkg) => /^@aws-sdk\/(client-dynamodb|lib-dynamodb|util-dynamodb)/.test(pkg)),
      )
      .map(name);
    expect(talking).toEqual(['functions/core/store/table.ts']);
  });

  it('one module each talks to S3 (blob-store), signs S3 links (download-links) and talks to SQS (report-queue), and no other AWS service is called', () => {
    const byPackage = (pattern: RegExp) =>
      files
        .filter((file) => name(file).startsWith('functions/'))
        .filter((file) => graph.get(file)!.packages.some((pkg) => pattern.test(pkg)))
        .map(name);
    expect(byPackage(/^@aws-sdk\/client-s3$/)).toEqual(['functions/core/store/blob-store.ts']);
    expect(byPackage(/^@aws-sdk\/s3-request-presigner$/)).toEqual(['functions/core/store/download-links.ts']);
    expect(byPackage(/^@aws-sdk\/client-sqs$/)).toEqual(['functions/core/reports/report-queue.ts']);
    const others = files
      .filter((file) => name(file).startsWith('functions/'))
      .flatMap((file) => graph.get(file)!.packages.filter((pkg) => pkg.startsWith('@aws-sdk/')))
      .filter(
        (pkg) =>
          !/^@aws-sdk\/(client-dynamodb|lib-dynamodb|util-dynamodb|client-s3|s3-request-presigner|client-sqs|client-api-gateway|client-cloudwatch|client-secrets-manager)$/.test(
            pkg,
          ),
      );
    expect(others).toEqual([]);
  });

  it('only functions/core/store/secrets.ts talks to Secrets Manager (through Powertools Parameters)', () => {
    const secrets = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) =>
        graph
          .get(file)!
          .packages.some((pkg) => /^@aws-sdk\/client-secrets-manager$|^@aws-lambda-powertools\/parameters/.test(pkg)),
      )
      .map(name);
    expect(secrets).toEqual([name(existing('functions/core/store/secrets.ts'))]);
  });

  it('only functions/core/usage/usage-metrics.ts talks to CloudWatch (usage per application)', () => {
    const cloudWatch = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) => graph.get(file)!.packages.some((pkg) => pkg.startsWith('@aws-sdk/client-cloudwatch')))
      .map(name);
    expect(cloudWatch).toEqual(['functions/core/usage/usage-metrics.ts']);
  });

  it('only functions/core/applications/gateway-usage-plans.ts talks to API Gateway', () => {
    const gateway = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) => graph.get(file)!.packages.some((pkg) => pkg.startsWith('@aws-sdk/client-api-gateway')))
      .map(name);
    expect(gateway).toEqual(['functions/core/applications/gateway-usage-plans.ts']);
  });

  it('an edge folder imports no other edge folder (a handler may import its route row in functions/routes)', () => {
    const wrong = [...folderEdges()].flatMap(([from, to]) =>
      [...to]
        .filter(([target]) => EDGES.some((edge) => target === `functions/${edge}`))
        .filter(
          ([target]) =>
            !(target === 'functions/routes' && ['functions/admin', 'functions/data', 'functions/public'].includes(from)),
        )
        .filter(() => EDGES.some((edge) => from === `functions/${edge}`))
        .map(([, example]) => example),
    );
    expect(wrong).toEqual([]);
  });

  it('every file in a handler folder (admin, data, public, workers, auth) is a handler the stack wires, or the worker table', () => {
    const handlers = new Set(
      [
        ...routeList.map((route) => route.handler),
        ...Object.values(AUTHORIZERS).map((authorizer) => authorizer.handler),
        ...workerList.map((worker) => worker.handler),
      ].map((handler) => `functions/${handler}.ts`),
    );
    const missing = [...handlers].filter((file) => !existsSync(join(ROOT, file)));
    expect(missing).toEqual([]);
    const table = name(existing('functions/workers/index.ts'));
    const notHandlers = HANDLER_EDGES.flatMap((folder) => sourceFiles(existing(`functions/${folder}`)))
      .map(name)
      .filter((file) => !handlers.has(file) && file !== table);
    expect(notHandlers).toEqual([]);
  });

  it('the stack and the local runtime wire the workers from the worker table, and nothing loads a worker handler but its loader', () => {
    const table = existing('functions/workers/index.ts');
    for (const reader of ['lib/report-resources.ts', 'lib/local/runtime.ts', 'lib/local/report-engine.ts'])
      expect({ reader, readsTable: graph.get(existing(reader))!.local.includes(table) }).toEqual({ reader, readsTable: true });
    // A worker handler is loaded by its module path (the table's `handler`), never imported: no file imports one.
    const workerHandlers = workerList.map((worker) => existing(`functions/${worker.handler}.ts`));
    const importers = files.flatMap((file) =>
      graph
        .get(file)!
        .local.filter((target) => workerHandlers.includes(target))
        .map((target) => `${name(file)} -> ${name(target)}`),
    );
    expect(importers).toEqual([]);
  });

  it('only the worker handlers reach the tracer (the X-Ray SDK stays out of the route and authorizer bundles)', () => {
    const tracer = existing('functions/core/observability/tracer.ts');
    const reaching = files
      .filter((file) => name(file).startsWith('functions/') && file !== tracer && reachable(file).has(tracer))
      .map(name)
      .sort();
    expect(reaching).toEqual(workerList.map((worker) => `functions/${worker.handler}.ts`).sort());
  });

  it('the domain does not import HTTP: only functions/core/http and the v2 wire shapes (functions/core/clarity) do', () => {
    const http = `${name(existing('functions/core/http'))}/`;
    const allowed = ['functions/core/http/', `${name(existing('functions/core/clarity'))}/`];
    const wrong = files
      .filter((file) => name(file).startsWith('functions/core/'))
      .filter((file) => !allowed.some((prefix) => name(file).startsWith(prefix)))
      .flatMap((file) =>
        graph
          .get(file)!
          .local.filter((target) => name(target).startsWith(http))
          .map((target) => `${name(file)} -> ${name(target)}`),
      );
    expect(wrong).toEqual([]);
  });

  it('only the configuration module reads process.env in functions/', () => {
    const config = existing('functions/core/platform/config.ts');
    const readers = files
      .filter((file) => name(file).startsWith('functions/'))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map(name);
    expect(readers).toEqual([name(config)]);
  });

  it('functions/core keeps at most 6 loose files, and other folders import the application aggregate through its index', () => {
    const loose = readdirSync(existing('functions/core')).filter((entry) => entry.endsWith('.ts'));
    expect(loose.length).toBeLessThanOrEqual(6);
    const aggregate = `${name(existing('functions/core/applications/index.ts')).replace(/index\.ts$/, '')}`;
    const wrong = files
      .filter((file) => !name(file).startsWith(aggregate))
      .flatMap((file) =>
        graph
          .get(file)!
          .local.filter((target) => name(target).startsWith(aggregate) && !name(target).endsWith('/index.ts'))
          .map((target) => `${name(file)} -> ${name(target)}`),
      );
    expect(wrong).toEqual([]);
  });

  it('schemas and limits reach nothing that does I/O', () => {
    const pure = [
      'functions/routes/admin-schemas.ts',
      'functions/core/clarity/v2-schemas.ts',
      'functions/core/http/public-schemas.ts',
      'functions/core/http/common-schemas.ts',
      'functions/core/platform/limits.ts',
      'functions/core/measurements/measurement-windows.ts',
      'functions/core/air-quality/metric-select.ts',
      'functions/core/platform/time.ts',
      'functions/core/orgs/roles.ts',
      'functions/core/store/table-schema.ts',
      'functions/core/applications/application-partition.ts',
      'functions/core/clarity/report-schemas.ts',
      'functions/core/reports/report-query.ts',
      'functions/core/archive/archive-format.ts',
      'functions/core/ip-ranges.ts',
      'functions/core/usage/usage-days.ts',
      'functions/workers/index.ts',
    ];
    const table = existing('functions/core/store/table.ts');
    const impure = pure.filter((file) => {
      const path = existing(file);
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
    const table = join(ROOT, 'functions/core/store/table.ts');
    const offenders = routeList
      .filter((route) => route.credential === 'none' && route.tableAccess === 'none')
      .map((route) => join(ROOT, 'functions', `${route.handler}.ts`))
      .filter((file) => reachable(file, { runtimeOnly: true }).has(table))
      .map(name);
    expect(offenders).toEqual([]);
  });
});
