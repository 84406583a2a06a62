import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lwcConfig from '@salesforce/eslint-config-lwc/recommended.js';
import jestPlugin from 'eslint-plugin-jest';

export default [
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'preview/dist/**',
      'coverage/**',
      '.sfdx/**',
      '.sf/**',
      '.data/**',
      '**/staticresources/**'
    ]
  },

  // Lightning Web Components: Salesforce's recommended rules.
  ...lwcConfig.map((config) => ({ ...config, files: ['force-app/**/lwc/**/*.js'] })),
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/**/lwc/**/*.test.js'],
    plugins: { jest: jestPlugin },
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { ...jestPlugin.configs.recommended.rules, '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' }
  },

  // The sync engine and the preview's server side: strict TypeScript.
  ...tseslint.configs.recommended.map((config) => ({
    ...config,
    files: ['sync-engine/**/*.ts', 'scripts/**/*.ts', 'preview/**/*.ts']
  })),
  {
    files: ['sync-engine/**/*.ts', 'scripts/**/*.ts', 'preview/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off'
    }
  },

  // The product never depends on its test and demo equipment (docs/architecture.md).
  {
    files: ['sync-engine/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)sync-engine/(emulators|demo)(/|$)|^(\\.\\./)+(emulators|demo|bench|test)(/|$)',
              message:
                'sync-engine/src/ is the product: it must not import the emulators, the demo, the bench or the tests.'
            }
          ]
        }
      ]
    }
  },

  // The preview's page code, compiled for the browser with the components (preview/build.ts).
  {
    files: ['preview/client/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { globals: globals.browser, sourceType: 'module' }
  },

  // Tool configuration and developer scripts.
  {
    files: ['*.js', 'scripts/**/*.mjs', '.ci/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { globals: globals.node, sourceType: 'module' }
  }
];
