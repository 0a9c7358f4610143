/**
 * Enough CSV for the tests to read answers and fixtures as a spreadsheet would (RFC 4180): quoted
 * cells may hold commas and doubled quotes; no line breaks inside cells.
 */

/** The cells of one line. */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** Every line's cells (CRLF or LF line ends). */
export function parseCsv(text: string): string[][] {
  return text.replace(/\r\n/g, '\n').trim().split('\n').map(parseCsvLine);
}
