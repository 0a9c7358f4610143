import { readArchivedMinutes } from '../../functions/core/archive/archive-reader';
import { archiveDayKey, dayOf } from '../../functions/core/archive/archive-format';
import { getArchiveState, resetArchiveMark } from '../../functions/core/measurements/archive-state';
import { runArchiver } from '../../functions/core/archive/archiver';
import { readObject } from '../../functions/core/store/blob-store';
import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, type DataOrg } from '../support/data-api';

/** The archiver against DynamoDB Local and the local S3 API, fed through the ingest route. */

const api = useTestApi();
const MINUTE = 60_000;
const settle = () => new Promise((resolve) => setTimeout(resolve, 400)); // past the suite's 300 ms settle lag

function minutes(fromAgo: number, toAgo: number, now: number, value = (ago: number) => Math.round(ago * 1.37 * 100) / 100) {
  const start = Math.floor(now / MINUTE) * MINUTE;
  return Array.from({ length: fromAgo - toAgo }, (_, index) => {
    const ago = fromAgo - index;
    return { time: new Date(start - ago * MINUTE).toISOString(), metrics: { pm2_5ConcMass: value(ago), no2Conc: 3.5 } };
  });
}

/** As ingest stores them: under the catalogue's minute names. */
const stored = (list: { time: string; metrics: Record<string, number> }[]) =>
  list.map(({ time, metrics }) => ({
    time,
    metrics: Object.fromEntries(Object.entries(metrics).map(([name, value]) => [`${name}Individual`, value])),
  }));

describe('the archiver', () => {
  let org: DataOrg;
  const now = Date.now();

  beforeAll(async () => {
    org = await dataOrg(api, 2);
  });

  it('a run that dies half-way loses nothing: the next run writes the same batch again', async () => {
    await ingest(api, org, org.datasources[0]!, minutes(30, 0, now));
    await ingest(api, org, org.datasources[1]!, minutes(30, 0, now));
    await settle();
    let written = 0;
    await expect(
      runArchiver({
        orgId: org.orgId,
        checkpoint: (step) => {
          if (step === 'file-written' && ++written === 1) throw new Error('archiver killed after its first file');
        },
      }),
    ).rejects.toThrow('archiver killed');
    expect((await getArchiveState(org.orgId))?.mark).toBe('0');

    const run = await runArchiver({ orgId: org.orgId });
    expect(run.measurements).toBe(60);
    for (const datasourceId of org.datasources) {
      const archived = await readArchivedMinutes(org.orgId, datasourceId, now - 40 * MINUTE, now + MINUTE);
      expect(archived).toEqual(stored(minutes(30, 0, now)));
    }
  });

  it('a late measurement with an old time and a resent one reach the archive in the next run, once each', async () => {
    const [late] = minutes(45, 44, now);
    const resent = { ...minutes(10, 9, now)[0]!, metrics: { pm2_5ConcMass: 42.42, no2Conc: 3.5 } };
    await ingest(api, org, org.datasources[0]!, [late!, resent]);
    await settle();
    const run = await runArchiver({ orgId: org.orgId });
    expect(run.measurements).toBe(2);
    const archived = await readArchivedMinutes(org.orgId, org.datasources[0]!, now - 60 * MINUTE, now + MINUTE);
    expect(archived).toHaveLength(31);
    expect(archived[0]).toEqual(stored([late!])[0]);
    expect(archived.find((minute) => minute.time === resent.time)).toEqual(stored([resent])[0]);
  });

  it('running it again for the same period rewrites the same files, byte for byte', async () => {
    const key = archiveDayKey(org.orgId, org.datasources[1]!, dayOf(minutes(1, 0, now)[0]!.time));
    const before = await readObject(key);
    await resetArchiveMark(org.orgId);
    const run = await runArchiver({ orgId: org.orgId });
    expect(run.measurements).toBe(61); // 60 + the late one; the resend overwrote its item
    expect(Buffer.from((await readObject(key))!).equals(Buffer.from(before!))).toBe(true);
  });

  it('a second run at the same time finds the org leased and leaves it alone', async () => {
    await ingest(
      api,
      org,
      org.datasources[0]!,
      minutes(5, 4, now, () => 1.25),
    );
    await settle();
    const [first, second] = await Promise.all([runArchiver({ orgId: org.orgId }), runArchiver({ orgId: org.orgId })]);
    expect(first.measurements + second.measurements).toBe(1);
  });
});
