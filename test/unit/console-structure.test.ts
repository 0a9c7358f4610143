import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The console's house rules, read from its source: every dialog lives in console/src/dialogs and
 * ends with the one footer (FormEnd for a form, DoneEnd for a dialog that only shows something),
 * the ID token is read with jose's decodeJwt (never atob), and ESLint checks the rules of hooks
 * on every console file. That a listing carries what its table shows (no request per row) is
 * checked in the browser (test/browser/console.test.ts), where the requests can be counted.
 */

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'console', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(path) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const sources = files(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const where = (pattern: RegExp) =>
  sources
    .filter((file) => pattern.test(file.text))
    .map((file) => file.path)
    .sort();

describe('the console’s source', () => {
  it('has its files to check', () => {
    expect(sources.length).toBeGreaterThan(20);
    expect(where(/<Dialog\b/).length).toBeGreaterThan(10);
  });

  it('opens dialogs only from console/src/dialogs (Dialog.tsx defines them; ConfirmDialog is its one kind)', () => {
    const outside = where(/<(Dialog|ConfirmDialog)\b|<dialog\b/).filter(
      (path) => !path.startsWith('dialogs/') && path !== 'components/Dialog.tsx',
    );
    expect(outside).toEqual([]);
    // The native element only in the Dialog component.
    expect(where(/<dialog\b/)).toEqual(['components/Dialog.tsx']);
  });

  it('ends every dialog with the one footer: no buttons row or submit button of a dialog’s own', () => {
    expect(where(/class="buttons"/)).toEqual(['components/common.tsx']);
    const ownSubmit = where(/type="submit"/).filter((path) => path.startsWith('dialogs/') || path.startsWith('components/'));
    expect(ownSubmit).toEqual(['components/common.tsx']);
    // Every dialog with a form ends it with FormEnd (or is a ConfirmDialog, which does).
    const formsWithoutEnd = sources
      .filter((file) => file.path.startsWith('dialogs/') && /<form\b/.test(file.text) && !/<FormEnd\b/.test(file.text))
      .map((file) => file.path);
    expect(formsWithoutEnd).toEqual([]);
    const neither = sources
      .filter(
        (file) =>
          file.path.startsWith('dialogs/') &&
          !/<FormEnd\b|<DoneEnd\b|<ConfirmDialog\b/.test(file.text) &&
          /<Dialog\b/.test(file.text),
      )
      .map((file) => file.path);
    expect(neither).toEqual([]);
  });

  it('reads the ID token with jose’s decodeJwt, never by hand', () => {
    expect(where(/import \{[^}]*\bdecodeJwt\b[^}]*\} from 'jose'/)).toEqual(['auth/session.ts']);
    expect(where(/\batob\(|Buffer\.from\(/)).toEqual([]);
  });

  it('is linted with the rules of hooks (eslint-plugin-react-hooks) as errors', () => {
    const printed = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--print-config', 'console/src/pages/ApplicationsPage.tsx'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const rules = (JSON.parse(printed) as { rules: Record<string, unknown> }).rules;
    expect(rules['react-hooks/rules-of-hooks']).toEqual([2]);
    expect(rules['react-hooks/exhaustive-deps']).toEqual([2]);
  });
});
