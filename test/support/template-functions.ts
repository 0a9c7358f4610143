import type { Template } from 'aws-cdk-lib/assertions';

type Json = any;
type Resources = Record<string, Json>;

/** Logical id in a `Ref` or `Fn::GetAtt` value. */
export function referencedId(value: Json): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** Every logical id referenced (Ref or GetAtt) anywhere inside a value. */
export function referencedIds(value: Json, found = new Set<string>()): Set<string> {
  const id = referencedId(value);
  if (id) found.add(id);
  if (value && typeof value === 'object') for (const child of Object.values(value)) referencedIds(child, found);
  return found;
}

/**
 * The stack's own Lambda functions: all but those that back CDK's custom resources (the admin
 * console's upload and its bucket's cleanup), which CDK builds with its own runtime and logging.
 */
export function ownFunctions(template: Template): Resources {
  const providers = new Set<string>();
  for (const resource of Object.values(template.toJSON().Resources as Resources)) {
    if (String(resource.Type).startsWith('Custom::')) referencedIds(resource.Properties?.ServiceToken, providers);
  }
  const functions: Resources = template.findResources('AWS::Lambda::Function');
  return Object.fromEntries(Object.entries(functions).filter(([id]) => !providers.has(id)));
}
