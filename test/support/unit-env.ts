// Unit tests talk to a mocked SDK; these values only satisfy the configuration reader.
process.env.TABLE_NAME = 'datagate-unit';
process.env.AWS_REGION = 'eu-west-1';
process.env.DATAGATE_LOG = 'silent';
