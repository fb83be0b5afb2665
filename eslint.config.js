// ESLint: type-aware rules that catch what tests miss (promises nobody awaits), and the
// boundaries of the architecture (see docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', '.data/**', 'coverage/**', 'web/dist/**', '**/*.mjs', '*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, properties: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-control-regex': 'off',
    },
  },
  // Boundaries (docs/architecture.md). The domain vocabulary imports nothing; the pure cores import
  // only the domain, each other and their solver; common (cross-cutting) imports no feature.
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'src/domain is the vocabulary: it imports nothing outside itself' }] },
      ],
    },
  },
  {
    files: ['src/cores/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./(matching|assignment)/|\\.\\./\\.\\./domain/|highs$)',
              message: 'a pure core imports only src/domain, the other cores and its solver',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/common/**/*.ts', 'src/config/**/*.ts', 'src/database/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^\\.\\./+(\\.\\./)*(audit|auth|availability|capacity|cores|demo|facilities|health|jobs|lifecycle|matching|metrics|notifications|regions|reports|web)/',
              message: 'infrastructure (common, config, database) imports no feature: features depend on it, not the reverse',
            },
          ],
        },
      ],
    },
  },
  // one access policy: only src/auth compares roles (demo data describes its users by role)
  {
    files: ['src/**/*.ts'],
    ignores: ['src/auth/**', 'src/demo/**', 'src/cli/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator=/^[!=]==?$/] > MemberExpression[property.name='role']",
          message: 'ask the access policy (src/auth/access.ts) instead of comparing roles',
        },
      ],
    },
  },
  // answers of the API under test are JSON of any shape
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
