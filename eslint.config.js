// ESLint 9 flat config: eslint's and typescript-eslint's recommended rules over src, test and bench,
// plus four type-aware rules on promises and throws (the bugs a strict typecheck lets through in
// async server code). Every rule turned off or tuned says why in one line. Layering is checked by
// dependency-cruiser (.dependency-cruiser.cjs); `npm run lint` runs both.
// See docs/decisions/0011-layering-and-lint.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The Node.js globals the few plain JavaScript files (configs, jest hooks) use. */
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  module: 'writable',
  require: 'readonly',
  __dirname: 'readonly',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // The type information for the rules below; one TypeScript program from tsconfig.json.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits or catches: its rejection is unhandled and ends the process.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise where a boolean or a void callback is expected (if (promise), emitter.on(async …)).
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Only Error objects are thrown: they carry a stack, and `instanceof` checks rely on it.
      '@typescript-eslint/only-throw-error': 'error',
      // `any` is deliberate at untyped boundaries: heterogeneous SoapOperation<In, Out> lists,
      // Fastify instances of any server type, commander options, the soap client's answers.
      '@typescript-eslint/no-explicit-any': 'off',
      // `const { omitted: _omitted, ...rest } = value` is how the code drops a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // XML 1.0 character checks and strippers need control characters in their patterns.
      'no-control-regex': 'off',
      // Tests match literal report lines (`[  OK  ]`) and YAML indentation: spaces read as printed.
      'no-regex-spaces': 'off',
    },
  },
  {
    // node-soap's server API: a thrown plain `{ Fault: … }` object is how a handler answers a fault.
    files: ['bench/soap-child.ts'],
    rules: { '@typescript-eslint/only-throw-error': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    // CommonJS files (dependency-cruiser's config, the jest reporter) load with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
