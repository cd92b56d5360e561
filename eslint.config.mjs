// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Every wall-clock read goes through @robo/clock (libs/clock/src/clock.ts), injected where it is used, so that tests and
// simulated sessions set the time. ESLint replaces a rule's options per file instead of merging them: the blocks below
// that set these rules for their files repeat these entries.
const clockProperties = [
  { object: 'Date', property: 'now', message: 'Read the wall clock through an injected WallClock (@robo/clock).' },
  { object: 'performance', property: 'now', message: 'Time durations with an injected WallClock.monotonicMs() (@robo/clock).' },
  { object: 'process', property: 'hrtime', message: 'Time durations with an injected WallClock.monotonicMs() (@robo/clock).' },
];
const clockSyntax = [{ selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; use an injected Clock or WallClock (@robo/clock).' }];
const clockFiles = ['apps/**/*.ts', 'libs/**/*.ts'];
const clockExempt = ['libs/clock/src/clock.ts', '**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**', '**/testing/**', '**/*.fixture.ts'];
// Every event is appended by the write step (`@robo/write-path`, its AggregateRepository): a direct
// `EventStore.append` anywhere else would skip the expected revision, the bounded retry or the derived event ids.
const directAppend = {
  selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='append']",
  message: 'Append through the write step (WriteStep from @robo/write-path), never to the event store directly.',
};

// The domain and the projection functions are pure: no framework, no driver, no clock, no randomness.
const pureRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['@nestjs/*', '@nestjs'], message: 'The domain and projections are framework-free.' },
        { group: ['mongodb', 'mongodb/*', '@eventstore/*', 'better-sqlite3', 'socket.io', 'socket.io/*', 'express', 'pino', 'pino-*'], message: 'No drivers or I/O libraries in pure code.' },
        { group: ['@robo/event-store', '@robo/event-store/*'], message: 'Pure code does not reach the store; only its types (import type) are allowed.', allowTypeImports: true },
        { group: ['node:fs', 'fs', 'node:crypto', 'crypto', 'node:http', 'http', 'node:net', 'net'], message: 'No I/O in pure code.' },
      ],
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Time comes in with the command or the event.' },
    { object: 'Math', property: 'random', message: 'Ids and randomness come in with the command.' },
    ...clockProperties.filter((p) => p.object !== 'Date'),
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; pass time in.' },
    { selector: "CallExpression[callee.name='randomUUID']", message: 'Ids come in with the command.' },
    directAppend,
  ],
};

// The write path (the write step, command handlers, reactors) answers outcomes and knows nothing of HTTP: only the
// HTTP edge (controllers, common/outcome-response.ts, the exception filter) turns them into status codes.
const HTTP_EXCEPTIONS = [
  'HttpException', 'HttpStatus', 'BadRequestException', 'UnauthorizedException', 'ForbiddenException', 'NotFoundException',
  'MethodNotAllowedException', 'NotAcceptableException', 'RequestTimeoutException', 'ConflictException', 'GoneException',
  'PayloadTooLargeException', 'UnsupportedMediaTypeException', 'UnprocessableEntityException', 'InternalServerErrorException',
  'NotImplementedException', 'BadGatewayException', 'ServiceUnavailableException', 'GatewayTimeoutException', 'HttpCode', 'Res', 'Req',
];
const writePathFiles = ['apps/api/src/write/**/*.ts', 'apps/api/src/**/*.handler.ts', 'apps/api/src/**/*.reactor.ts'];
const httpImports = [
  { group: ['express', 'express/*', '@nestjs/platform-*', 'node:http', 'http', 'node:https', 'https', 'socket.io', 'socket.io/*'], message: 'The write path imports nothing of HTTP.' },
  { group: ['**/common/api-error', '**/common/outcome-response', '**/common/error.filter', '**/common/idempotency.interceptor'], message: 'HTTP errors belong to the HTTP edge; return a rejected outcome.' },
];
const writePathSyntax = [
  'error',
  { selector: "ThrowStatement > NewExpression[callee.name=/(Exception|ApiError)$/]", message: 'The write path throws no HTTP errors; return a rejected outcome.' },
  directAppend,
  ...clockSyntax,
];
const writePathRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: '@nestjs/common', importNames: HTTP_EXCEPTIONS, message: 'The write path answers outcomes; only the HTTP edge maps them to statuses.' }],
      patterns: httpImports,
    },
  ],
  'no-restricted-syntax': writePathSyntax,
};
// The write path library (`libs/write-path`) knows nothing of Nest at all: the api binds it (apps/api/src/write/write.module.ts).
const writePathLibraryRestrictions = {
  'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*', '@nestjs'], message: 'The write path library is free of Nest; the api binds it in apps/api/src/write/write.module.ts.' }, ...httpImports] }],
  'no-restricted-syntax': writePathSyntax,
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'web/dist/**', 'data/**', 'coverage/**', 'bench/results*', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: clockFiles,
    ignores: clockExempt,
    rules: { 'no-restricted-properties': ['error', ...clockProperties], 'no-restricted-syntax': ['error', ...clockSyntax, directAppend] },
  },
  {
    // The event store is where events are appended: only the clock applies to it.
    files: ['libs/event-store/**/*.ts'],
    ignores: clockExempt,
    rules: { 'no-restricted-syntax': ['error', ...clockSyntax] },
  },
  {
    files: ['libs/domain/src/**/*.ts', 'libs/read-models/src/projections/**/*.ts', 'libs/market-data/src/**/*.ts', 'libs/paper/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: pureRestrictions,
  },
  {
    files: writePathFiles,
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: writePathRestrictions,
  },
  {
    files: ['libs/write-path/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: writePathLibraryRestrictions,
  },
);
