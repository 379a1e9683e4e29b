// Jest's testSequencer for the e2e project: the slowest files start first, so the two workers
// (--maxWorkers=2) finish together instead of one running a minute-long file alone at the end.
// Jest does this by itself from the durations it cached on an earlier run, but a fresh clone (CI)
// has none and it falls back to file size, which put ordering-workers (the longest file) last.
// The seconds below were measured with --maxWorkers=2 (`jest --selectProjects e2e --json`, issue 9);
// a file missing here runs after them, ordered by Jest's cached duration, else by size.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

const MEASURED_SECONDS = {
  'ordering-workers.e2e-spec.ts': 88,
  'fault-worker-kill.e2e-spec.ts': 77,
  'fault-postgres-restart.e2e-spec.ts': 63,
  'ui-portal.e2e-spec.ts': 31,
  'maintenance-sweeper-batch.e2e-spec.ts': 30,
  'worker-crash.e2e-spec.ts': 29,
  'fault-redis-restart.e2e-spec.ts': 29,
  'failing-endpoints-breaker-throughput.e2e-spec.ts': 28,
  'security-rate-limit.e2e-spec.ts': 26,
  'fault-receivers.e2e-spec.ts': 25,
  'event-types-catalog.e2e-spec.ts': 23,
  'ui-serving.e2e-spec.ts': 23,
  'event-types-intake.e2e-spec.ts': 22,
  'scale-pgbouncer.e2e-spec.ts': 21,
  'ui-dashboard.e2e-spec.ts': 21,
  'payload-filters-delivery.e2e-spec.ts': 20,
  'failing-endpoints-rate-limit.e2e-spec.ts': 19,
};

class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const measured = (test) => MEASURED_SECONDS[path.basename(test.path)];
    for (const test of tests) test.duration = this.time(test);
    return [...tests].sort((a, b) => {
      const [ma, mb] = [measured(a), measured(b)];
      if (ma !== undefined || mb !== undefined) return (mb ?? -1) - (ma ?? -1);
      if ((a.duration != null) !== (b.duration != null)) return a.duration != null ? -1 : 1;
      if (a.duration != null && b.duration != null) return b.duration - a.duration;
      return size(b) - size(a);
    });
  }
}

module.exports = SlowestFirstSequencer;
