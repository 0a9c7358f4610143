import { ID_PREFIXES, idPattern, type IdKind } from '../platform/ids';

/**
 * Examples for the OpenAPI document, made from the same JSON Schemas the document carries, so
 * every operation shows one and no example can disagree with its schema (both linters check
 * them against it). Values follow the field's name where one reads better than a placeholder
 * (`orgId` an org id, `email` an address of the demo); pure, no I/O.
 */

type JsonSchema = Record<string, unknown>;

const EXAMPLE_TIME = '2026-12-05T10:00:00.000Z';

/** A well-formed id of `kind` (the server's shape; not one that exists). */
export function exampleId(kind: IdKind): string {
  const body = '01jmz5v8q2k4w6x9a3b7c0d1e2'.slice(0, 24);
  return `${ID_PREFIXES[kind]}_${body}`;
}

const ID_BY_FIELD: Record<string, IdKind> = {
  orgId: 'org',
  org: 'org',
  ownerOrgId: 'org',
  subscribingOrg: 'org',
  applicationId: 'application',
  keyId: 'key',
  replacedBy: 'key',
  datasourceId: 'datasource',
  currentSourceId: 'datasource',
  eventId: 'event',
  reportId: 'report',
};

const STRING_BY_FIELD: Record<string, string> = {
  name: 'Riverside City Council',
  orgName: 'Riverside City Council',
  ownerOrgName: 'Riverside City Council',
  applicationName: 'City Air Dashboard',
  email: 'ada@riverside.example',
  createdBy: 'ada@riverside.example',
  connectedBy: 'ada@riverside.example',
  invitedBy: 'ada@riverside.example',
  hint: 'dgk_...x7Qa',
  key: 'dgk_(the key, shown once)',
  label: 'production',
  group: 'Centre',
  message: 'A human sentence.',
  sourceType: 'CLARITY_NODE',
  metric: 'pm2_5ConcMassIndividual',
  date: '2026-12-05',
  status: 'ok',
  action: 'application.create',
};

function idKindOfPattern(pattern: string): IdKind | undefined {
  return (Object.keys(ID_PREFIXES) as IdKind[]).find((kind) => idPattern(kind) === pattern);
}

function stringExample(schema: JsonSchema, field: string | undefined): string {
  const format = schema.format as string | undefined;
  if (format === 'date-time') return EXAMPLE_TIME;
  if (format === 'date') return '2026-12-05';
  if (format === 'email') return 'ada@riverside.example';
  if (format === 'uri' || format === 'url') return 'https://datagate.example/reports/file.csv.gz';
  const pattern = schema.pattern as string | undefined;
  const kind = pattern ? idKindOfPattern(pattern) : field ? ID_BY_FIELD[field] : undefined;
  if (kind) return exampleId(kind);
  const byName = field ? STRING_BY_FIELD[field] : undefined;
  const candidate = byName ?? (field ? field : 'text');
  if (pattern && !new RegExp(pattern).test(candidate)) {
    // A timestamp written as a pattern (the lenient ones, which also take a time without a zone).
    return new RegExp(pattern).test(EXAMPLE_TIME) ? EXAMPLE_TIME : '';
  }
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? Infinity;
  return candidate.padEnd(minLength, 'x').slice(0, maxLength);
}

function numberExample(schema: JsonSchema, integer: boolean): number {
  const minimum = (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined);
  const maximum = (schema.maximum as number | undefined) ?? (schema.exclusiveMaximum as number | undefined);
  let value = minimum !== undefined ? minimum + (schema.exclusiveMinimum !== undefined ? 1 : 0) : integer ? 1 : 12.5;
  if (maximum !== undefined && value > maximum) value = maximum;
  return value;
}

/**
 * An example value for `schema`: `$ref`s resolved in `components`, the first branch of a union,
 * every property of an object (optional ones too, so the example shows the whole shape).
 */
export function exampleFor(schema: unknown, components: Record<string, JsonSchema>, field?: string, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 12) return undefined;
  const node = schema as JsonSchema;
  if (node.example !== undefined) return node.example;
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
  if (typeof node.$ref === 'string') {
    const target = components[node.$ref.replace('#/components/schemas/', '')];
    return exampleFor(target, components, field, depth + 1);
  }
  if (node.const !== undefined) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  if (node.default !== undefined) return node.default;
  const branches = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const first = branches.find((branch) => (branch as JsonSchema).type !== 'null') ?? branches[0];
    return exampleFor(first, components, field, depth + 1);
  }
  if (Array.isArray(node.allOf)) {
    return Object.assign({}, ...node.allOf.map((part) => exampleFor(part, components, field, depth + 1) as object));
  }
  const type = Array.isArray(node.type) ? (node.type as string[]).find((each) => each !== 'null') : (node.type as string);
  switch (type) {
    case 'string':
      return stringExample(node, field);
    case 'integer':
      return numberExample(node, true);
    case 'number':
      return numberExample(node, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const item = exampleFor(node.items, components, field?.replace(/s$/, ''), depth + 1);
      const count = Math.max(1, (node.minItems as number | undefined) ?? 1);
      return item === undefined ? [] : Array.from({ length: count }, () => item);
    }
    case 'object':
    default: {
      const properties = node.properties as Record<string, unknown> | undefined;
      if (properties) {
        return Object.fromEntries(
          Object.entries(properties)
            .map(([name, property]) => [name, exampleFor(property, components, name, depth + 1)] as const)
            .filter(([, value]) => value !== undefined),
        );
      }
      const additional = node.additionalProperties;
      if (typeof additional === 'object' && additional !== null) {
        const keyName = field === 'byOrg' ? exampleId('org') : field === 'metrics' ? 'pm2_5ConcMassIndividual' : 'name';
        return { [keyName]: exampleFor(additional, components, undefined, depth + 1) };
      }
      return type === 'object' ? {} : undefined;
    }
  }
}
