/** Line starts of a text, computed once: lines are found by binary search, not by splitting again. */
export class Lines {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** 0-based line index of an offset. */
  indexOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The text of a 0-based line, without its line break. */
  line(index: number): string {
    const start = this.starts[index] ?? this.text.length;
    const next = this.starts[index + 1];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, "");
  }
}
