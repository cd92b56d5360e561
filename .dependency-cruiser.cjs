// @ts-check
/**
 * The boundaries of the tree, checked by dependency-cruiser over the resolved imports (tsconfig paths included):
 * `test/boundaries/boundaries.spec.ts` runs it in `npm test`, and shows each rule failing on a planted violation.
 * By hand: `npx depcruise apps libs test bench --config .dependency-cruiser.cjs`.
 */

/** Test files may use their test tools; the rules about production code leave them out. */
const TEST_FILES = '\\.(spec|int-spec|e2e-spec)\\.ts$';

/** The write path: the generic write step (libs/write-path) and the api's thin binding of it (apps/api/src/write). */
const WRITE_PATH = '^(apps/api/src/write|libs/write-path/src)/';

/** A known violation: reported, but it does not fail the check. */
const known = (rule, from, to) => ({ type: 'dependency', from, to, rule: { severity: 'error', name: rule } });

/**
 * KNOWN VIOLATIONS: none. Nothing may be added here; a new boundary problem is fixed, not listed.
 * @type {import('dependency-cruiser').IBaselineViolations}
 */
const KNOWN_VIOLATIONS = [
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-imports-app',
      comment: 'A library never imports an app: apps are built from libraries, not the other way round.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'app-imports-app',
      comment:
        'An app never imports another app: what two apps share belongs in a library (libs/*, imported as @robo/x). ' +
        'Tests are not part of an app: a test of the command line may start the api from its test fixtures, and the other way round.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: [TEST_FILES, '^apps/[^/]+/test/'] },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'domain-imports-outside',
      comment: 'libs/domain is pure: it imports nothing but itself (no other library, no package, no node built-in).',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: TEST_FILES },
      to: { pathNot: '^libs/domain/' },
    },
    {
      name: 'write-path-imports-http',
      comment: 'The write path answers outcomes and knows nothing of HTTP: no Nest platform, no express, no controllers, filters or HTTP error mapping.',
      severity: 'error',
      from: { path: WRITE_PATH, pathNot: TEST_FILES },
      to: {
        path: [
          '(^|/)node_modules/(@nestjs/platform-[^/]+|express|body-parser|supertest)/',
          '^apps/api/src/.+\\.(controller|filter|interceptor|guard)\\.ts$',
          '^apps/api/src/common/(api-error|outcome-response)\\.ts$',
        ],
      },
    },
    {
      name: 'lib-imports-lib-internals',
      comment: 'A library imports another library only through its public entry (@robo/x) or its testing helpers (@robo/x/.../testing/...).',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$', '^libs/[^/]+/src/(testing|.+/testing)/'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing would escape every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage|data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Type-only imports count too (tsPreCompilationDeps): a type from an app is still a dependency on it.
    knownViolations: KNOWN_VIOLATIONS,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
