import { DEMO_ADMINS, DEMO_ORG_NAMES } from './demo-data';

/**
 * The walk-through of README.md, as one shell script: `npm start` prints it with this run's
 * values filled in, and the README holds it with the values looked up (a test checks that the
 * README's copy is exactly `walkthroughScript()`). Change it here, then paste the output of
 * `walkthroughScript()` into the README.
 */

export interface WalkthroughValues {
  /** The API's base URL of this run. */
  api: string;
  /** The demo org Riverside's id. */
  orgId: string;
}

/** The walk-through; with `values`, the lines that look them up are replaced by this run's. */
export function walkthroughScript(values?: WalkthroughValues): string {
  const api = values?.api ?? 'http://127.0.0.1:3000';
  const orgLine = values
    ? `ORG=${values.orgId}   # ${DEMO_ORG_NAMES.riverside}`
    : `ORG=$(curl -sSf $API/admin/orgs -H "Authorization: Bearer $TOKEN" | json '.orgs.find(o => o.name === "${DEMO_ORG_NAMES.riverside}").orgId')`;
  return `API=${api}
# Reads a field of a JSON answer (Node.js is there anyway): json .orgs[0].orgId
json() { node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(eval("v" + process.argv[1]))' "$1"; }

# 1. Sign in as a person (the local issuer signs a token for any email, verified). Ada is the
#    demo's admin of "${DEMO_ORG_NAMES.riverside}".
TOKEN=$(curl -sSf -X POST $API/local/token -H 'Content-Type: application/json' \\
  -d '{"email":"${DEMO_ADMINS.riverside}"}' | json .token)

# 2. Her orgs, with her roles there; keep Riverside's id. (Anyone signed in can also create an
#    org, POST /admin/orgs {"name":"..."}, and becomes its admin.)
curl -sSf $API/admin/orgs -H "Authorization: Bearer $TOKEN"
${orgLine}

# 3. Add a datasource (admins and technicians) and keep its id.
DS=$(curl -sSf -X POST $API/admin/orgs/$ORG/datasources -H "Authorization: Bearer $TOKEN" \\
  -H 'Content-Type: application/json' \\
  -d '{"name":"Station Road","group":"Centre","tags":["traffic"],"location":{"lat":51.5,"lon":-0.12}}' | json .datasourceId)

# 4. Create an application. The answer holds its first API key: the only time it is shown.
CREATED=$(curl -sSf -X POST $API/admin/orgs/$ORG/applications -H "Authorization: Bearer $TOKEN" \\
  -H 'Content-Type: application/json' -d '{"name":"City Dashboard"}')
APP=$(echo "$CREATED" | json .application.applicationId)
KEY=$(echo "$CREATED" | json .apiKey.key)

# 5. Connect it to the org with roles (technician: read everything, send measurements). An
#    application reads nothing, even in its own org, until an admin connects it; any other
#    org's admin can connect it the same way.
curl -sSf -X POST $API/admin/orgs/$ORG/connections -H "Authorization: Bearer $TOKEN" \\
  -H 'Content-Type: application/json' -d "{\\"applicationId\\":\\"$APP\\",\\"roles\\":[\\"technician\\"]}"

# 6. As the application: who am I, the org's datasources, and the hourly PM2.5 means of the
#    last 48 hours (the demo's sensors have reported for days).
curl -sSf $API/v2/whoami -H "x-api-key: $KEY"
curl -sSf "$API/v2/datasources?org=$ORG" -H "x-api-key: $KEY"
curl -sSf --compressed -X POST $API/v2/recent-datasource-measurements-query -H "x-api-key: $KEY" \\
  -H 'Content-Type: application/json' \\
  -d "{\\"org\\":\\"$ORG\\",\\"allDatasources\\":true,\\"outputFrequency\\":\\"hour\\",\\"metricSelect\\":\\"only pm2_5ConcMass1HourMean\\"}"`;
}
