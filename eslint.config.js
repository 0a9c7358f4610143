/**
 * ESLint: typescript-eslint's type-aware recommended rules over every TypeScript file (the server
 * code, tests, bench and the console). The project service finds each file's tsconfig: the root one
 * for bin, lib, functions, test and bench, console/tsconfig.json for the console.
 * Formatting is Prettier's job (`npm run format`, checked by `npm run lint`), so no stylistic rules.
 * TypeScript's own errors are reported too (`datagate/type-errors`), so `npm run lint` is also
 * the type check of `npm test`.
 */
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

/**
 * What `tsc --noEmit` reports for a file (syntax and type errors), from the TypeScript program
 * the typed rules already built for it: `npm test` ran `npm run typecheck` beside the lint, and
 * the two built the same programs, 34 s of CPU for tsc and 43 s for ESLint; the errors cost
 * ESLint 3 s more. The program's global and option errors are reported once, with the first file.
 */
const programsReported = new WeakSet();
const typeErrors = {
  meta: {
    type: 'problem',
    docs: { description: "TypeScript's errors for the file, as `tsc --noEmit` reports them" },
    schema: [],
    messages: { error: '{{text}}' },
  },
  create(context) {
    const program = context.sourceCode.parserServices?.program;
    const sourceFile = program?.getSourceFile(context.filename);
    if (!program || !sourceFile) return {};
    return {
      Program() {
        const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
        if (!programsReported.has(program)) {
          programsReported.add(program);
          diagnostics.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
        }
        for (const diagnostic of diagnostics) {
          const at =
            diagnostic.file === sourceFile && diagnostic.start !== undefined
              ? sourceFile.getLineAndCharacterOfPosition(diagnostic.start)
              : { line: 0, character: 0 };
          const where = diagnostic.file && diagnostic.file !== sourceFile ? ` (in ${diagnostic.file.fileName})` : '';
          context.report({
            loc: { line: at.line + 1, column: at.character },
            messageId: 'error',
            data: { text: `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}${where}` },
          });
        }
      },
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'cdk.out/**',
      '.datagate/**',
      'test-output/**',
      'coverage/**',
      'console/dist/**',
      // The bench's bundles (git-ignored).
      'bench/*.tmp/**',
      // Generated from the OpenAPI document by openapi-typescript.
      'console/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { datagate: { rules: { 'type-errors': typeErrors } } },
    rules: {
      'datagate/type-errors': 'error',
      // Promises: the reason this lint exists. Already in the recommended set; named here so that
      // relaxing the set never drops them silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Off: an `async` function without `await` is how a handler, middleware hook or mock keeps
      // its Promise-returning contract (and turns a synchronous throw into a rejection); a missing
      // `await` is what no-floating-promises and await-thenable catch.
      '@typescript-eslint/require-await': 'off',
      // A variable a closure reads before its one assignment (the local server's request handler
      // exists before the issuer it uses, which needs the server's URL) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore marks a binding that is there on purpose: a destructured field left
      // out of a copy (`const { pk: _pk, ...rest } = item`) or a parameter a signature requires.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Lambda code: `toLocaleString` loads ICU's locale data on its first call, about 11 ms of the
    // cold start of every route when route prose called it at import (bench: init.maxRouteVsFloor
    // 1.52 with it, 1.30 without). Prose formats numbers with `withThousands` (functions/core/platform/limits.ts).
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'toLocaleString',
          message: 'Use withThousands (functions/core/platform/limits.ts): toLocaleString costs the cold start.',
        },
      ],
    },
  },
  {
    // The console's hooks (Preact's, with React's names and rules): called unconditionally at the
    // top of a component or hook, and effects list what they read. The plugin finds hooks by their
    // `use` prefix, so it checks preact/hooks as it checks React's.
    files: ['console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Relaxed for tests only: they read JSON answers and CloudFormation templates of many shapes
    // as `any` and check them with `expect`, which is the assertion; typing each answer would add
    // casts, not safety. Product code (bin, lib, functions, console, bench) keeps these rules.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Config files and the bench's load script are plain JavaScript outside any tsconfig:
    // syntax rules only, no type information.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
