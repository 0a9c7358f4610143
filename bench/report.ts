import { TARGETS, type BenchCase, type Figures } from './cases';

/** The results table: one row per target, then the context figures. */

export interface Row {
  key: string;
  value: string;
  target: string;
  result: 'pass' | 'FAIL' | 'pending' | 'info';
}

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(3));

export function rows(figures: Figures, cases: readonly BenchCase[]): Row[] {
  const pending = new Map(cases.flatMap((c) => (c.pending ? c.keys.map((key) => [key, c.pending!] as const) : [])));
  const targetRows = Object.entries(TARGETS).map(([key, target]): Row => {
    const value = figures[key];
    if (value === undefined)
      return { key, value: `pending: ${pending.get(key) ?? 'not measured'}`, target: target.label, result: 'pending' };
    return {
      key,
      value: format(value),
      target: target.label,
      result: target.label === 'report' ? 'info' : target.met(value) ? 'pass' : 'FAIL',
    };
  });
  const contextRows = Object.entries(figures)
    .filter(([key]) => !(key in TARGETS))
    .map(([key, value]): Row => ({ key, value: format(value), target: '', result: 'info' }));
  return [...targetRows, ...contextRows];
}

export function renderTable(table: readonly Row[]): string {
  const header: Row = { key: 'key', value: 'value', target: 'target', result: 'result' as Row['result'] };
  const all = [header, ...table];
  const width = (pick: (row: Row) => string) => Math.max(...all.map((row) => pick(row).length));
  const [k, v, t] = [width((r) => r.key), width((r) => r.value), width((r) => r.target)];
  const line = (row: Row) => `${row.key.padEnd(k)}  ${row.value.padStart(v)}  ${row.target.padEnd(t)}  ${row.result}`;
  return [line(header), '-'.repeat(k + v + t + 14), ...table.map(line)].join('\n');
}
