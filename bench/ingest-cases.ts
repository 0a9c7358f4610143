import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/core/store/table';
import { getTableName } from '../functions/core/platform/config';
import type { TestApi } from '../test/support/local-api';
import { connect, createApplication, createDatasource, createOrg, expectStatus, signIn } from '../test/support/scenario';
import { compareInterleaved, progress, timeMillis } from './sampling';
import { benchApi } from './bench-api';
import { capacityUsedBy, requestsByCommand, requestsMadeBy } from './request-counter';
import type { BenchSettings, Figures } from './cases';

/**
 * `ingest.*`: `POST /v2/datasources/{datasourceId}/measurements` with 500 measurements through
 * the local server (router, authorizer with a warm key, schema validation, the datasource check,
 * `putMeasurements`: the modules the stack deploys), against its floor: the same 500 items
 * written by BatchWriteItem directly, 20 calls of 25 one after the other, as `putMeasurements`
 * sends them, each chunk stamped with a fresh receipt time as the handler does.
 *
 * Every sample of either side overwrites the same 500 items, so both do the same work in
 * DynamoDB (a table write and a moved receipt in GSI1 per item) and the table does not grow.
 */

const BATCH = 500;
const BATCH_WRITE_LIMIT = 25;
const MINUTE_MS = 60_000;

interface Scene {
  api: TestApi;
  path: string;
  key: string;
  datasourceId: string;
  /** A second datasource of the same org, for one ingest of measurements never written before. */
  freshDatasourceId: string;
}

/** An org with two datasources and an application connected to it as technician, through the admin API. */
async function scene(): Promise<Scene> {
  const api = await benchApi();
  const admin = await signIn(api, 'bench-ingest-admin');
  const orgId = await createOrg(api, admin, 'Bench ingest');
  const datasourceId = await createDatasource(api, orgId, admin, 'Site');
  const freshDatasourceId = await createDatasource(api, orgId, admin, 'Fresh site');
  const application = await createApplication(api, orgId, admin, 'Bench gateway');
  await connect(api, orgId, admin, application.applicationId, ['technician']);
  return {
    api,
    path: `/v2/datasources/${datasourceId}/measurements?org=${orgId}`,
    key: application.key,
    datasourceId,
    freshDatasourceId,
  };
}

/** 500 minutes of five metrics, the newest a minute before `now`. */
function batchOf500(now: number) {
  return Array.from({ length: BATCH }, (_, index) => ({
    time: new Date(now - (index + 1) * MINUTE_MS).toISOString(),
    metrics: {
      pm1ConcMassIndividual: 3 + (index % 11),
      pm2_5ConcMassIndividual: 5 + (index % 17),
      pm10ConcMassIndividual: 9 + (index % 23),
      temperatureInternalIndividual: 12.5,
      relHumidInternalIndividual: 40,
    },
  }));
}

/** One datasource's stored measurement items, as the handler wrote them. */
async function storedItems(datasourceId: string): Promise<Record<string, unknown>[]> {
  const page = await documentClient().send(
    new QueryCommand({
      TableName: getTableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `MEAS#${datasourceId}` },
    }),
  );
  if (page.LastEvaluatedKey || page.Items?.length !== BATCH) throw new Error(`expected ${BATCH} stored items in one page`);
  return page.Items;
}

/** A stored item with the receipt time (`receivedAt`, and the prefix of its GSI1 sort key) replaced. */
function restamped(item: Record<string, unknown>, receivedAt: string): Record<string, unknown> {
  const previous = item.receivedAt as string;
  return { ...item, receivedAt, GSI1SK: (item.GSI1SK as string).replace(previous, receivedAt) };
}

/** The floor: the items written in chunks of 25, one BatchWriteItem after the other. */
async function writeDirectly(items: readonly Record<string, unknown>[]): Promise<void> {
  const table = getTableName();
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    const receivedAt = new Date().toISOString();
    const result = await documentClient().send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: items
            .slice(start, start + BATCH_WRITE_LIMIT)
            .map((item) => ({ PutRequest: { Item: restamped(item, receivedAt) } })),
        },
      }),
    );
    // The handler retries unprocessed items; DynamoDB Local never leaves any, and the floor must not either.
    if (Object.keys(result.UnprocessedItems ?? {}).length > 0) throw new Error('DynamoDB Local left items unprocessed');
  }
}

export async function ingestCases(settings: BenchSettings): Promise<Figures> {
  progress('ingest: scene', 0, 1);
  const { api, path, key, datasourceId, freshDatasourceId } = await scene();
  progress('ingest: scene', 1, 1);
  const measurements = batchOf500(Date.now());
  const ingest = async (to = path) => {
    const answer = await api.call('POST', to, { key, body: { measurements } });
    expectStatus(answer, 202);
  };
  await ingest(); // warms the key cache, loads the route's modules and writes the items the floor copies
  const items = await storedItems(datasourceId);

  // Capacity of measurements never written before (one item and one GSI1 entry each), then of the same sent again.
  const freshCapacity = await capacityUsedBy(() => ingest(path.replace(datasourceId, freshDatasourceId)));
  const resentCapacity = await capacityUsedBy(() => ingest());
  const callsPerIngest = await requestsMadeBy(() => ingest());
  const batchWritesPerIngest = requestsByCommand().BatchWriteItemCommand ?? 0;

  const compared = await compareInterleaved(
    'ingest.batch500VsFloor',
    settings.samples,
    () => timeMillis(() => ingest()),
    () => timeMillis(() => writeDirectly(items)),
  );
  return {
    'ingest.batch500VsFloor': compared.ratio,
    'ingest.handlerMillis': compared.a,
    'ingest.floorMillis': compared.b,
    'ingest.dynamoCallsPer500': callsPerIngest,
    'ingest.batchWritesPer500': batchWritesPerIngest,
    'ingest.writeUnitsPer500New': freshCapacity.BatchWriteItemCommand ?? 0,
    'ingest.writeUnitsPer500Resent': resentCapacity.BatchWriteItemCommand ?? 0,
    'ingest.readUnitsPer500': freshCapacity.GetItemCommand ?? 0,
  };
}
