import { availableParallelism } from 'node:os';

/**
 * Three suites: unit (SDK mocked), integration (DynamoDB Local, started by the global setup)
 * and infra (CDK template assertions). TypeScript and the ESM-only dependencies (middy, jose, hyparquet)
 * are compiled to CommonJS by SWC.
 */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = {
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|hyparquet|hyparquet-writer)/)'],
  // middy 7's packages export only an `import` condition, which Jest's CommonJS resolver does not try.
  moduleNameMapper: {
    '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js',
    '^@middy/core/StreamifyResponse$': '<rootDir>/node_modules/@middy/core/executionModeStreamifyResponse.js',
  },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

export default {
  // A global option: Jest ignores testTimeout inside a project, so hooks there kept the 5 s
  // default. Integration setup (DynamoDB Local) and CDK synthesis need more on a busy 2-core box.
  testTimeout: 60000,
  // Jest's default (one worker fewer than the cores) runs everything in one process on a 2-core
  // machine. The integration suites spend much of their time waiting (on DynamoDB Local's JVM,
  // `npm start` children, Chromium, cache expiries): with two workers on 2 cores, /proc/stat
  // sampled every 5 s through `.ci/run` showed the cores 15 % idle (up to 40 % in the second
  // half); with three, 6.5 %, and `npm test` took 349 s instead of 360 to 395 s.
  maxWorkers: availableParallelism() + 1,
  // The suites known to be long start first, on a clean clone too (the cache knows no durations).
  testSequencer: '<rootDir>/test/support/longest-first.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/unit-env.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      // The console's browser tests need the same DynamoDB Local, so they run in this project.
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/dynamodb-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/dynamodb-global-teardown.ts',
    },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      // Builds the console when missing or stale (the stack uploads it), then synthesizes the
      // app once for the whole suite, in the background (test/support/synthesis.ts).
      globalSetup: '<rootDir>/test/support/infra-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/infra-global-teardown.ts',
    },
  ],
};
