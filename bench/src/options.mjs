// `--only`: which targets and which workloads a run drives, in one list
// (`--only product,socketio,idle`), so one figure can be re-measured without the minutes the
// others take. Names of both kinds may be mixed; a kind left out means all of it.

export const TARGETS = ['product', 'distributed', 'socketio', 'ws'];
/**
 * What runs when `--only` names no target: the embedded product and the two baselines. The
 * distributed profile needs Kafka, Cassandra and Elasticsearch (minutes to start, and the
 * machine's cores while they run), so it is asked for by name.
 */
export const DEFAULT_TARGETS = ['product', 'socketio', 'ws'];
export const WORKLOADS = ['mix', 'overload', 'storm', 'idle'];

/**
 * `--only` text → `{ targets, workloads }`, each in the run's own order. Overload runs at
 * twice the chat mix's saturation, so asking for it brings the mix with it. An unknown name
 * is refused with the names there are (a typo must not silently run everything).
 */
export function parseOnly(text) {
  const names = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !TARGETS.includes(n) && !WORKLOADS.includes(n));
  if (unknown.length)
    throw new Error(`--only ${unknown.join(',')}: not a target (${TARGETS.join(', ')}) nor a workload (${WORKLOADS.join(', ')})`);
  const targets = TARGETS.filter((t) => names.includes(t));
  const workloads = new Set(WORKLOADS.filter((w) => names.includes(w)));
  if (workloads.has('overload')) workloads.add('mix');
  return {
    targets: targets.length ? targets : [...DEFAULT_TARGETS],
    workloads: workloads.size ? WORKLOADS.filter((w) => workloads.has(w)) : [...WORKLOADS],
  };
}
