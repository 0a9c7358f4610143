// The load of `soak.*`, run as a child process so it does not share the server's event loop:
// autocannon cycles every connection through a mix of data and admin routes, each ingest
// sending one measurement with a time of its own, and reports which ingests were accepted.
// Input: one JSON argument {url, seconds, connections, key, token, orgId, datasourceIds, baseTime}.
// Output: one JSON line {requests, non2xx, errors, timeouts, statusCodes, latency, accepted}.
import autocannon from 'autocannon';

const input = JSON.parse(process.argv[2]);
const { url, seconds, connections, key, token, orgId, datasourceIds, baseTime } = input;
const accepted = [];
let counter = 0;
const statusCodes = {};
const countStatus = (status) => (statusCodes[status] = (statusCodes[status] ?? 0) + 1);

const json = { 'content-type': 'application/json' };
const asApplication = { 'x-api-key': key };
const asPerson = { authorization: `Bearer ${token}` };

const ingest = {
  method: 'POST',
  headers: { ...json, ...asApplication },
  setupRequest: (request, context) => {
    const n = counter++;
    const datasourceId = datasourceIds[n % datasourceIds.length];
    // One millisecond apart, going back from baseTime: no two ingests share a datasource and time.
    const time = new Date(baseTime - n).toISOString();
    context.sent = { datasourceId, time, value: n };
    return {
      ...request,
      path: `/v2/datasources/${datasourceId}/measurements`,
      body: JSON.stringify({ org: orgId, measurements: [{ time, metrics: { pm2_5ConcMass: n } }] }),
    };
  },
  onResponse: (status, _body, context) => {
    countStatus(status);
    if (status === 202) accepted.push(context.sent);
  },
};
const counted = (request) => ({ ...request, onResponse: (status) => countStatus(status) });

const requests = [
  counted({ method: 'GET', path: `/v2/datasources?org=${orgId}`, headers: asApplication }),
  ingest,
  counted({ method: 'GET', path: '/v2/whoami', headers: asApplication }),
  ingest,
  counted({
    method: 'POST',
    path: '/v2/recent-datasource-measurements-query',
    headers: { ...json, ...asApplication },
    body: JSON.stringify({ org: orgId, datasourceIds: [datasourceIds[0]], outputFrequency: 'minute' }),
  }),
  counted({ method: 'GET', path: `/admin/orgs/${orgId}`, headers: asPerson }),
  counted({ method: 'GET', path: `/admin/orgs/${orgId}/applications`, headers: asPerson }),
  counted({ method: 'GET', path: `/admin/orgs/${orgId}/audit-events?limit=20`, headers: asPerson }),
  counted({
    method: 'PATCH',
    path: `/admin/orgs/${orgId}/datasources/${datasourceIds[1 % datasourceIds.length]}`,
    headers: { ...json, ...asPerson },
    body: JSON.stringify({ tags: ['soak'] }),
  }),
  ingest,
];

const result = await autocannon({ url, connections, duration: seconds, requests, timeout: 10 });
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    accepted,
  })}\n`,
);
