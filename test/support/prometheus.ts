/** The value of one sample in a Prometheus text exposition (labels as written, in order), or undefined. */
export function sample(metrics: string, name: string, labels = ''): number | undefined {
  const prefix = `${name}${labels ? `{${labels}}` : ''} `;
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length).split(' ')[0]);
}

/** The names of every metric family in the exposition (its # TYPE lines). */
export function metricNames(metrics: string): string[] {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('# TYPE '))
    .map((line) => line.split(' ')[2]);
}
