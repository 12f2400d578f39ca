/** 1-based column number -> letters: 1 -> A, 27 -> AA. */
export function columnLetter(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function a1(column: number, row: number): string {
  return `${columnLetter(column)}${row}`;
}
