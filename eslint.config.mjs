import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworkImports = {
  patterns: [
    { group: ['@nestjs/*', '@mikro-orm/*', 'class-validator', 'class-transformer', 'passkit-generator', 'fastify', '@parse/node-apn', 'nestjs-pino', 'pino'], message: 'src/domain imports no framework or library.' },
    { group: ['**/adapters/**', '**/application/**', '**/config/**'], message: 'src/domain depends on nothing outside the domain.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'certs/**', 'bench/results/**', 'bench/dist/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', frameworkImports] },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@nestjs/common', importNames: ['HttpException', 'BadRequestException', 'NotFoundException', 'UnauthorizedException'], message: 'Use cases throw domain errors; adapters choose statuses.' }],
          patterns: [
            { group: ['**/adapters/**'], message: 'Use cases depend on ports, not adapters.' },
            { group: ['@mikro-orm/*', 'passkit-generator', 'fastify', 'class-validator'], message: 'Use cases depend on ports, not libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
