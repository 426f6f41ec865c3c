// One flat config for the repo: typescript-eslint everywhere, Power Apps checker rules and React
// hooks for code that runs in the browser (PCF control, form scripts). Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import powerApps from '@microsoft/eslint-plugin-power-apps';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';

const browserCode = ['PCFControls/**/*.{ts,tsx}', 'WebResources/**/*.{ts,tsx}'];

// Import directions (docs/architecture.md). Each rule is a regex over the import specifier; a later
// block replaces an earlier one's `no-restricted-imports`, so every block lists all rules it needs.
const productCode = ['Domain', 'Relay', 'Plugins', 'WebResources', 'PCFControls', 'Build', 'bin'].map(
  (dir) => `${dir}/**/*.{ts,tsx,js,cjs,mjs}`,
);
const noDevOrTestCode = {
  regex: '(^|/)(DevStack|tests|bench)(/|$)',
  message: 'Product code never imports the development stack (DevStack/), tests/ or bench/.',
};
const domainImportsNothingOfOurs = {
  regex: '^\\.\\.(/|$)',
  message: 'Domain imports nothing of ours: it is the model every other part shares.',
};
const pluginsUseDomainAndPorts = {
  regex: '^\\.\\./(?!Domain(/|$)|Relay/ports(/|$))',
  message: 'Plugins/ depends on Domain and the relay ports (Relay/ports) only.',
};
const syncDoesNotImportServer = {
  regex: '(^|/)server(/|$)',
  message: 'sync/ does not import server/: metrics and the rest reach sync through Relay/ports.',
};
const restrictImports = (files, ...patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

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
  restrictImports(productCode, noDevOrTestCode),
  restrictImports(['Domain/**'], noDevOrTestCode, domainImportsNothingOfOurs),
  restrictImports(['Plugins/**'], noDevOrTestCode, pluginsUseDomainAndPorts),
  restrictImports(['Relay/sync/**'], noDevOrTestCode, syncDoesNotImportServer),
  prettier,
);
