// One flat config for the repo: typescript-eslint everywhere, Power Apps checker rules and React
// hooks for code that runs in the browser (PCF control, form scripts). Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import powerApps from '@microsoft/eslint-plugin-power-apps';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';

const browserCode = ['PCFControls/**/*.{ts,tsx}', 'WebResources/**/*.{ts,tsx}'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', '.sandbox/', '**/generated/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: browserCode,
    plugins: { '@microsoft/power-apps': powerApps, 'react-hooks': reactHooks },
    rules: {
      ...powerApps.configs.paCheckerHosted.rules,
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
