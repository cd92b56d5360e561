/** Unit (*.spec.ts), store (*.int-spec.ts) and API (*.e2e-spec.ts) tests in one run. */
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'))];
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@robo/domain$': '<rootDir>/libs/domain/src/index.ts',
    '^@robo/domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^@robo/event-store$': '<rootDir>/libs/event-store/src/index.ts',
    '^@robo/event-store/(.*)$': '<rootDir>/libs/event-store/src/$1',
    '^@robo/read-models$': '<rootDir>/libs/read-models/src/index.ts',
    '^@robo/read-models/(.*)$': '<rootDir>/libs/read-models/src/$1',
    '^@robo/runtime$': '<rootDir>/libs/runtime/src/index.ts',
    '^@robo/runtime/(.*)$': '<rootDir>/libs/runtime/src/$1',
    '^@robo/audit$': '<rootDir>/libs/audit/src/index.ts',
    '^@robo/audit/(.*)$': '<rootDir>/libs/audit/src/$1',
    '^@robo/market-data$': '<rootDir>/libs/market-data/src/index.ts',
    '^@robo/market-data/(.*)$': '<rootDir>/libs/market-data/src/$1',
    '^@robo/paper$': '<rootDir>/libs/paper/src/index.ts',
    '^@robo/paper/(.*)$': '<rootDir>/libs/paper/src/$1',
    '^@robo/analyst$': '<rootDir>/libs/analyst/src/index.ts',
    '^@robo/analyst/(.*)$': '<rootDir>/libs/analyst/src/$1',
  },
  testTimeout: 60000,
};
