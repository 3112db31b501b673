import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.datapark/**',
      '**/.venv/**',
      '**/generated/**',
      '**/.drift*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // The import graph of shared/DESIGN.md: packages never import apps, `config` imports
      // nothing of ours, SDKs import only SDKs, platform packages import SDKs and the platform's
      // contract (a backend never imports the other backend, the contract imports no backend),
      // apps import SDKs and platform packages, tools import anything.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // Every import names a package the project declares in its own package.json.
          banTransitiveDependencies: true,
          // Tests import their own package by name, as its users do.
          allowCircularSelfDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:config', onlyDependOnLibsWithTags: ['scope:none'] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:sdk'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:sdk', 'type:platform'] },
            { sourceTag: 'scope:contract', onlyDependOnLibsWithTags: ['type:sdk'] },
            { sourceTag: 'scope:local', onlyDependOnLibsWithTags: ['type:sdk', 'scope:contract'] },
            {
              sourceTag: 'scope:kubernetes',
              onlyDependOnLibsWithTags: ['type:sdk', 'scope:contract'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:sdk', 'type:platform'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Apps reach Kafka, PostgreSQL and HTTP services through our SDKs, which own the retries,
    // dead letters, redaction and exactly-once rules; a second way in would skip them.
    files: ['apps/**/*.ts', 'apps/**/*.js', 'apps/**/*.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              message: 'Use @datapark/kafka (EventProducer, consumeBatches, UncheckedProducer…).',
            },
            {
              name: '@platformatic/kafka',
              message: 'Use @datapark/kafka (EventProducer, UncheckedProducer…).',
            },
            {
              name: 'pg',
              message: 'Use @datapark/db (createPool, withPoolClient, its Pool types).',
            },
            { name: 'axios', message: 'Use @datapark/airflow-client or @datapark/spark-client.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
