// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; pass time in.' },
    { selector: "CallExpression[callee.name='randomUUID']", message: 'Ids come in with the command.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'data/**', 'coverage/**', 'bench/results*', '**/*.js', '**/*.mjs', '**/*.cjs'] },
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
    files: ['libs/domain/src/**/*.ts', 'libs/read-models/src/projections/**/*.ts', 'libs/market-data/src/**/*.ts', 'libs/paper/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: pureRestrictions,
  },
);
