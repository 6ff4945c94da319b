import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// `import { z } from 'zod'` binds the whole namespace object, which esbuild can not tree-shake:
// every locale and the JSON-schema renderer land in each bundle (about 350 KB more per function).
const zodNamespaceOnly = {
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: "Import zod as a namespace (`import * as z from 'zod'`) so bundles keep only what they use.",
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'dist/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', zodNamespaceOnly] },
  },
  {
    // The domain is plain TypeScript: it must never reach for AWS, the environment or a clock.
    files: ['functions/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', '@middy/*', '../data/*', '../../data/*'] },
      ],
      'no-restricted-globals': ['error', 'process'],
    },
  },
);
