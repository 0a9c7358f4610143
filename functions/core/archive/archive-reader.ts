import { readObject } from '../store/blob-store';
import { archiveDayKey, daysBetween, decodeArchiveDay, type ArchivedMinute } from './archive-format';

/** Day files read at once by one reader. */
const CONCURRENCY = 8;

/**
 * A datasource's archived minutes with `from <= time < to`, oldest first: only the day files of
 * that window are read (a missing file is a day without data).
 */
export async function readArchivedMinutes(
  orgId: string,
  datasourceId: string,
  fromMs: number,
  toMs: number,
): Promise<ArchivedMinute[]> {
  const days = daysBetween(fromMs, toMs);
  const perDay = new Array<ArchivedMinute[]>(days.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, days.length) }, async () => {
      while (next < days.length) {
        const index = next++;
        const bytes = await readObject(archiveDayKey(orgId, datasourceId, days[index]!));
        perDay[index] = bytes ? await decodeArchiveDay(bytes) : [];
      }
    }),
  );
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  return perDay.flat().filter((minute) => minute.time >= from && minute.time < to);
}
