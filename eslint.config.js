import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** One lint for every package, tool, bench and example; type-aware rules are left out to keep it fast on CI. */
export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.next/**',
      'packages/operations/src/generated/**',
      'packs/**',
      '**/.readme-usage-*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests probe answers whose shape is the point of the test.
    files: ['**/*.test.ts', '**/*.test-d.ts', '**/testing/**', '**/test-support/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
