// Unit tests talk to a mocked SDK; these values only satisfy the configuration reader. They are
// set explicitly because workers inherit the integration suite's environment in a full run.
process.env.TABLE_NAME = 'datagate-unit';
process.env.AWS_REGION = 'eu-west-1';
process.env.DATAGATE_LOG = 'silent';
process.env.KEY_CACHE_TTL_SECONDS = '5';
delete process.env.DYNAMODB_ENDPOINT;
