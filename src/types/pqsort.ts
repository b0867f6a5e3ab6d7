/**
 * Redis's pqsort (pqsort.c, after NetBSD's qsort: Bentley and McIlroy's quicksort), which sorts
 * only the parts of an array that overlap a range of ranks: GEOSEARCH ... COUNT n orders its
 * first n results with it. Elements that compare equal come out in exactly Redis's order, which
 * no other algorithm would give.
 */

export type Compare<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3<T>(a: T[], i: number, j: number, k: number, cmp: Compare<T>): number {
  return cmp(a[i], a[j]) < 0
    ? cmp(a[j], a[k]) < 0
      ? j
      : cmp(a[i], a[k]) < 0
        ? k
        : i
    : cmp(a[j], a[k]) > 0
      ? j
      : cmp(a[i], a[k]) < 0
        ? i
        : k;
}

/**
 * pqsort(a, n, size, cmp, left, right) over a[from, from + n): the elements of ranks
 * left..right end up in their places, in order.
 */
export function partialQuickSort<T>(a: T[], cmp: Compare<T>, left: number, right: number, from = 0, n = a.length): void {
  for (;;) {
    if (n < 7) {
      for (let m = from + 1; m < from + n; m++) {
        for (let l = m; l > from && cmp(a[l - 1], a[l]) > 0; l--) swap(a, l, l - 1);
      }
      return;
    }
    let pm = from + (n >>> 1);
    if (n > 7) {
      let pl = from;
      let pn = from + n - 1;
      if (n > 40) {
        const d = n >>> 3;
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, from, pm);
    let pa = from + 1;
    let pb = pa;
    let pc = from + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(a[pb], a[from])) <= 0) {
        if (r === 0) swap(a, pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(a[pc], a[from])) >= 0) {
        if (r === 0) swap(a, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb++, pc--);
    }
    const pn = from + n;
    let r = Math.min(pa - from, pb - pa);
    vecswap(a, from, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - r, r);
    // Recurse into the smaller-than part, loop on the greater-than part, each only if it overlaps [left, right].
    const overlaps = (start: number, k: number): boolean => !((left < start && right < start) || (left >= start + k && right >= start + k));
    if ((r = pb - pa) > 1 && overlaps(from, r)) partialQuickSort(a, cmp, left, right, from, r);
    if ((r = pd - pc) > 1) {
      from = pn - r;
      n = r;
      if (overlaps(from, n)) continue;
    }
    return;
  }
}
