import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', 'test-output/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bench/k6/**/*.js'],
    languageOptions: { globals: { open: 'readonly', __ENV: 'readonly' } },
  },
  {
    files: ['packages/store/src/engine/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['packages/collector/tracker/**/*.js', 'packages/dashboard/src/ui/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
)
