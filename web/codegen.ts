import type { CodegenConfig } from '@graphql-codegen/cli';

// Everything is generated offline from the committed SDL (../schema/schema.graphql).
// Output: src/gql/ (typed documents, committed: small and deterministic) and
// src/gql/introspection.ts (the minified schema urql's Graphcache uses; scripts/introspection.mjs).
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          Decimal: 'number',
          Period: 'string',
          JSON: 'unknown',
          Upload: 'File',
        },
        documentMode: 'documentNode',
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
