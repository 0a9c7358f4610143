/**
 * Files a function reads at run time besides its bundle, by handler module: the stack copies
 * them beside the bundle (`LAMBDA_TASK_ROOT`). Paths are relative to the repository root.
 */
export const FUNCTION_FILES: Readonly<Record<string, readonly string[]>> = {
  'public/api-reference-asset': [
    'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
    'node_modules/swagger-ui-dist/swagger-ui.css',
  ],
};
