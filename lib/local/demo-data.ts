import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createOrg } from '../../functions/core/orgs';
import { createApplication } from '../../functions/core/applications';
import { createKey, deleteKey } from '../../functions/core/application-keys';
import { connectApplication } from '../../functions/core/application-connections';
import { createDatasource } from '../../functions/core/datasources';
import type { Actor } from '../../functions/core/audit';

/**
 * Demo data for `npm start`: two orgs with an admin each, a few datasources, and one
 * application owned by the first org and connected to both. Written through the same domain
 * code as the API. Only ids are remembered (in the git-ignored data folder): keys are never
 * stored in plaintext, so each start issues a fresh demo key and deletes the previous one.
 */

export interface DemoData {
  riverside: { orgId: string; admin: string };
  northfield: { orgId: string; admin: string };
  applicationId: string;
  keyId: string;
}

export const DEMO_ADMINS = { riverside: 'ada@riverside.example', northfield: 'grace@northfield.example' } as const;

async function seed(): Promise<Omit<DemoData, 'keyId'> & { firstKeyId: string }> {
  const ada: Actor = { type: 'person', id: DEMO_ADMINS.riverside };
  const grace: Actor = { type: 'person', id: DEMO_ADMINS.northfield };
  const riverside = await createOrg('Riverside City Council', ada.id);
  const northfield = await createOrg('Northfield University', grace.id);
  const sites = [
    [
      riverside.orgId,
      ada,
      { name: 'Riverside High Street', group: 'Centre', tags: ['traffic'], location: { lat: 51.5072, lon: -0.1276 } },
    ],
    [
      riverside.orgId,
      ada,
      { name: 'Riverside Park', group: 'Parks', tags: ['background'], location: { lat: 51.5101, lon: -0.134 } },
    ],
    [
      riverside.orgId,
      ada,
      {
        name: 'Riverside Reference Site',
        sourceType: 'REFERENCE_SITE',
        tags: ['reference'],
        location: { lat: 51.5033, lon: -0.1195 },
      },
    ],
    [
      northfield.orgId,
      grace,
      { name: 'Campus North Gate', group: 'Campus', tags: ['traffic'], location: { lat: 52.2053, lon: 0.1218 } },
    ],
    [
      northfield.orgId,
      grace,
      { name: 'Campus Library Roof', group: 'Campus', tags: ['rooftop'], location: { lat: 52.2043, lon: 0.1149 } },
    ],
  ] as const;
  for (const [orgId, actor, site] of sites) {
    await createDatasource(orgId, { sourceType: 'CLARITY_NODE', ...site, tags: [...site.tags] }, actor);
  }
  const { application, apiKey } = await createApplication(riverside.orgId, 'City Air Dashboard', ada);
  await connectApplication({ orgId: riverside.orgId, applicationId: application.applicationId, roles: ['analyst'] }, ada);
  await connectApplication({ orgId: northfield.orgId, applicationId: application.applicationId, roles: ['observer'] }, grace);
  return {
    riverside: { orgId: riverside.orgId, admin: ada.id },
    northfield: { orgId: northfield.orgId, admin: grace.id },
    applicationId: application.applicationId,
    firstKeyId: apiKey.keyId,
  };
}

/**
 * Seeds the demo data on first start and issues this start's demo key. Returns the ids and the
 * key's plaintext (to print once).
 */
export async function prepareDemo(
  stateFile: string,
  freshTable: boolean,
): Promise<{ demo: DemoData; apiKey: string; seeded: boolean }> {
  const remembered = !freshTable && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as DemoData) : undefined;
  const ada: Actor = { type: 'person', id: DEMO_ADMINS.riverside };
  let base: Omit<DemoData, 'keyId'>;
  let previousKeyId: string | undefined;
  if (remembered) {
    base = remembered;
    previousKeyId = remembered.keyId;
  } else {
    const seeded = await seed();
    base = seeded;
    previousKeyId = seeded.firstKeyId;
  }
  const key = await createKey(base.riverside.orgId, base.applicationId, { label: 'npm start demo key' }, ada);
  if (previousKeyId) await deleteKey(base.riverside.orgId, base.applicationId, previousKeyId, ada).catch(() => undefined);
  const demo: DemoData = {
    riverside: base.riverside,
    northfield: base.northfield,
    applicationId: base.applicationId,
    keyId: key.keyId,
  };
  writeFileSync(stateFile, JSON.stringify(demo, null, 2));
  return { demo, apiKey: key.key, seeded: !remembered };
}
