/** Output: a table on stdout and bench/results/<timestamp>.json (+ latest.json). */
const fs = require('node:fs');
const path = require('node:path');

const RESULTS_DIR = path.join(__dirname, 'results');

function table(rows, columns) {
  const cells = rows.map((row) => columns.map(([, get]) => String(get(row) ?? '–')));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (values) => values.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(columns.map(([title]) => title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function formatReport(report) {
  const sqlKey = Object.keys(report.scenarios.find((s) => s.status !== 'skipped') ?? {}).find((k) => k.startsWith('sql_'));
  const sqlTitle = sqlKey === 'sql_statements_per_delivery' ? 'SQL/deliv' : 'xact/deliv';
  const { ceilings } = report;
  const lines = [];
  lines.push(
    `Ceilings: no-op BullMQ worker (concurrency ${ceilings.noop_bullmq.concurrency}) ${ceilings.noop_bullmq.jobs_per_second} jobs/s` +
      ` · raw HTTP (undici, ${ceilings.raw_http.connections} connections) ${ceilings.raw_http.posts_per_second} POSTs/s` +
      ` · min ${ceilings.min_per_second}/s`,
  );
  lines.push('');
  lines.push(
    table(report.scenarios, [
      ['scenario', (s) => s.id],
      ['intake', (s) => (s.status === 'skipped' ? `skipped: ${s.reason}` : s.intake)],
      ['subs', (s) => s.subscriptions],
      ['wkrs', (s) => s.workers],
      ['deliveries', (s) => s.deliveries_received],
      ['intake ev/s', (s) => s.intake_events_per_second],
      ['deliv/s', (s) => s.deliveries_per_second],
      ['×ceiling', (s) => s.ratio_to_ceiling],
      ['p50 ms', (s) => s.latency_ms?.p50_ms],
      ['p95 ms', (s) => s.latency_ms?.p95_ms],
      ['p99 ms', (s) => s.latency_ms?.p99_ms],
      ['api MB', (s) => s.api_peak_rss_mb],
      ['worker MB', (s) => s.worker_peak_rss_mb],
      ['redis/deliv', (s) => s.redis_commands_per_delivery],
      ['lua/deliv', (s) => s.redis_script_calls_per_delivery],
      [sqlTitle, (s) => (sqlKey ? s[sqlKey] : null)],
      ['status', (s) => s.status],
    ]),
  );
  for (const s of report.scenarios) {
    if (s.status === 'failed') lines.push(`scenario ${s.id} failed: ${s.reason}`);
    if (s.target_rate_per_second) lines.push(`scenario ${s.id}: ${s.target_rate_per_second} events/s (20% of scenario ${s.rate_from_scenario}'s deliveries/s)`);
    if (s.intake_failures) lines.push(`scenario ${s.id}: ${s.intake_failures} intake requests failed ${JSON.stringify(s.intake_errors)}`);
    if (s.soak) lines.push(`soak: worker RSS ${s.soak.rss_mb_first} → ${s.soak.rss_mb_last} MB (max ${s.soak.rss_mb_max}), slope over the second half ${s.soak.slope_mb_per_100k_deliveries_second_half} MB per 100k deliveries`);
  }
  if (sqlTitle === 'xact/deliv') lines.push('xact/deliv: PostgreSQL transactions per delivery (pg_stat_statements is not preloaded on this server)');
  return lines.join('\n');
}

function writeResults(report) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(RESULTS_DIR, `${report.started_at.replace(/:/g, '-')}.json`);
  fs.writeFileSync(file, json);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  return file;
}

module.exports = { formatReport, writeResults };
