/**
 * Bin edges for the binned metrics (PSI, Jensen-Shannon on numeric columns) as each method defines them, and
 * histogram counts of a sorted sample.
 */
import { countAtMost, countBelow, quantileSorted } from './sorted';

/**
 * Reference-quantile edges (the distance method): the unique inner quantiles at k/bins of the baseline, with
 * -Infinity and +Infinity outer edges so that current values outside the baseline range are counted.
 */
export function quantileEdges(baselineSorted: Float64Array, bins = 10): Float64Array {
  const inner: number[] = [];
  for (let k = 1; k < bins; k++) {
    const q = quantileSorted(baselineSorted, k / bins);
    if (inner.length === 0 || q !== inner[inner.length - 1]) inner.push(q);
  }
  return Float64Array.from([-Infinity, ...inner, Infinity]);
}

/** numpy.linspace(start, stop, count + 1): edge i = start + i * step, the last edge exactly stop. */
function linspaceEdges(start: number, stop: number, count: number): Float64Array {
  const edges = new Float64Array(count + 1);
  const step = (stop - start) / count;
  for (let i = 0; i <= count; i++) edges[i] = i * step + start;
  edges[count] = stop;
  return edges;
}

/**
 * Evidently: numpy.histogram_bin_edges(concat(baseline, current), bins='sturges'), equal-width bins over the
 * combined range, ceil(log2(n + m) + 1) of them.
 */
export function sturgesCombinedEdges(aSorted: Float64Array, bSorted: Float64Array): Float64Array {
  const n = aSorted.length + bSorted.length;
  let first = Math.min(aSorted[0]!, bSorted[0]!);
  let last = Math.max(aSorted[aSorted.length - 1]!, bSorted[bSorted.length - 1]!);
  const width = (last - first) / (Math.log2(n) + 1);
  let count = 1;
  if (width > 0) count = Math.ceil((last - first) / width);
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  return linspaceEdges(first, last, count);
}

/**
 * Azure ML model monitoring: ceil(log2(min(n, m)) + 1) equal-width bins over the combined range, edges built as
 * min + k * width (so the last edge may fall a rounding error short of the maximum, as in Azure); a constant
 * column gets the single bin [v, 1.01 v] (widened to [v, v + 0.01] where 1.01 v would not be above v).
 */
export function sturgesSmallerEdges(aSorted: Float64Array, bSorted: Float64Array): Float64Array {
  const count = Math.ceil(Math.log2(Math.min(aSorted.length, bSorted.length)) + 1);
  const min = Math.min(aSorted[0]!, bSorted[0]!);
  const max = Math.max(aSorted[aSorted.length - 1]!, bSorted[bSorted.length - 1]!);
  if (min === max) return Float64Array.from([min, min * 1.01 > min ? min * 1.01 : min + 0.01]);
  const width = (max - min) / count;
  const edges = new Float64Array(count + 1);
  edges[0] = min;
  for (let k = 1; k <= count; k++) edges[k] = min + k * width;
  return edges;
}

/**
 * Counts per bin of a sorted sample with numpy.histogram semantics (also Spark's RDD.histogram): bin i holds
 * edges[i] <= x < edges[i+1], the last bin also holds its right edge, values outside the edges are not counted.
 */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let previous = countBelow(sorted, edges[0]!);
  for (let i = 0; i < bins; i++) {
    const next = i === bins - 1 ? countAtMost(sorted, edges[i + 1]!) : countBelow(sorted, edges[i + 1]!);
    counts[i] = next - previous;
    previous = next;
  }
  return counts;
}

/** Human labels for bins, e.g. "[0.1, 0.2)", "< 0.1", ">= 0.9". */
export function binLabels(edges: Float64Array, format: (x: number) => string = formatEdge): string[] {
  const labels: string[] = [];
  const last = edges.length - 2;
  for (let i = 0; i <= last; i++) {
    const lo = edges[i]!;
    const hi = edges[i + 1]!;
    if (lo === -Infinity && hi === Infinity) labels.push('all');
    else if (lo === -Infinity) labels.push(`< ${format(hi)}`);
    else if (hi === Infinity) labels.push(`>= ${format(lo)}`);
    else labels.push(`[${format(lo)}, ${format(hi)}${i === last ? ']' : ')'}`);
  }
  return labels;
}

function formatEdge(x: number): string {
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString();
}
