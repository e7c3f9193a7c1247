import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'packages/*/dist/**', '**/*.min.js', 'data/**', 'test-output/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bench/k6/**/*.js'],
    languageOptions: { globals: { open: 'readonly', __ENV: 'readonly' } },
  },
  {
    files: ['packages/store/engine/*.mjs', 'examples/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['packages/collector/tracker/**/*.js', 'packages/dashboard/ui/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  // The arrows point down: core <- store <- collector, aggregator, dashboard <- cli (the
  // `quiet-analytics` package). A package imports only the packages below it, and never
  // another package's files.
  ...Object.entries({
    core: ['store', 'collector', 'aggregator', 'dashboard', 'cli'],
    store: ['collector', 'aggregator', 'dashboard', 'cli'],
    collector: ['aggregator', 'dashboard', 'cli'],
    aggregator: ['collector', 'dashboard', 'cli'],
    dashboard: ['collector', 'aggregator', 'cli'],
    cli: [],
  }).map(([pkg, above]) => ({
    files: [`packages/${pkg}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(above.length > 0 ? [{ group: above.map((p) => (p === 'cli' ? 'quiet-analytics' : `@quiet-analytics/${p}`)), message: `${pkg} sits below these packages: the import would point up` }] : []),
            { group: ['@quiet-analytics/*/*'], message: "import a package by its name, never another package's files" },
            { group: ['../../*/src/*', '../../../packages/*'], message: "import a package by its name, never another package's files" },
          ],
        },
      ],
    },
  })),
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
)
