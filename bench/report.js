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
      ['api CPU ms/event', (s) => s.api_cpu_ms_per_event],
      ['wkr CPU ms/deliv', (s) => s.worker_cpu_ms_per_delivery],
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
    if (s.soak)
      lines.push(
        `soak: worker RSS ${s.soak.rss_mb_first} → ${s.soak.rss_mb_last} MB (max ${s.soak.rss_mb_max}), slope over the second half ${s.soak.slope_mb_per_100k_deliveries_second_half} MB per 100k deliveries`,
      );
  }
  const unfiltered = report.scenarios.find((s) => s.id === '3' && s.status === 'ok');
  const filtered = report.scenarios.find((s) => s.id === '3f' && s.status === 'ok');
  if (unfiltered?.worker_cpu_ms_per_delivery && filtered?.worker_cpu_ms_per_delivery) {
    const ratio = (filtered.worker_cpu_ms_per_delivery / unfiltered.worker_cpu_ms_per_delivery).toFixed(2);
    lines.push(
      `payload filters: worker CPU per delivery 3f ${filtered.worker_cpu_ms_per_delivery} ms vs 3 ${unfiltered.worker_cpu_ms_per_delivery} ms = ${ratio}× (target ≤ 1.2×);` +
        ` deliv/s ${filtered.deliveries_per_second} vs ${unfiltered.deliveries_per_second}`,
    );
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

/** The "Latest figures" section of bench/README.md, from a results file: node bench/report.js <file>. */
function markdown(report) {
  const m = report.machine;
  const c = report.ceilings;
  const sqlKey = report.sql_counting === 'statements' ? 'sql_statements_per_delivery' : 'sql_transactions_per_delivery';
  const rows = report.scenarios.map((s) =>
    s.status === 'skipped'
      ? `| ${s.id} | skipped: ${s.reason} |  |  |  |  |  |  |  |  |  |  |  |`
      : `| ${s.id} | ${s.intake}, ${s.subscriptions} sub${s.subscriptions > 1 ? 's' : ''}, ${s.workers} worker${s.workers > 1 ? 's' : ''}${s.signature_scheme === 'ed25519' ? ', ed25519' : ''} | ${s.deliveries_received ?? '–'} | ${s.intake_events_per_second ?? '–'} | ${s.deliveries_per_second ?? '–'} | ${s.ratio_to_ceiling ?? '–'} | ${s.latency_ms ? `${s.latency_ms.p50_ms} / ${s.latency_ms.p95_ms} / ${s.latency_ms.p99_ms}` : '–'} | ${s.api_peak_rss_mb ?? '–'} / ${s.worker_peak_rss_mb ?? '–'} | ${s.api_cpu_ms_per_event ?? '–'} | ${s.worker_cpu_ms_per_delivery ?? '–'} | ${s.redis_commands_per_delivery ?? '–'} (${s.redis_script_calls_per_delivery ?? '–'}) | ${s[sqlKey] ?? '–'} | ${s.status} |`,
  );
  const f = report.flags;
  const args = [
    f.quick && '--quick',
    f.privateRedis && '--private-redis',
    f.scenarios && `--scenarios=${f.scenarios}`,
    f.events && `--events=${f.events}`,
    f.soak && `--soak=${f.soak}`,
    f.receiver === 'inline' && '--receiver=inline',
  ].filter(Boolean);
  return [
    `Run of ${report.started_at} (\`npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}\`, ${report.duration_seconds} s), commit ${report.git.commit?.slice(0, 7)}${report.git.dirty ? ' with uncommitted changes in apps/ or libs/' : ''}.`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, ${m.os}; Node ${m.node}, Redis ${m.redis}, PostgreSQL ${m.postgres}.`,
    '',
    `Ceilings: no-op BullMQ worker (concurrency ${c.noop_bullmq.concurrency}) **${c.noop_bullmq.jobs_per_second} jobs/s**; raw HTTP with undici (${c.raw_http.connections} connections) **${c.raw_http.posts_per_second} POSTs/s**; min ${c.min_per_second}/s.`,
    '',
    `| scenario | intake | deliveries | intake events/s | deliveries/s | ×ceiling | latency p50 / p95 / p99 ms | peak RSS api / worker MB | api CPU ms per event | worker CPU ms per delivery | Redis commands (scripts) per delivery | SQL ${report.sql_counting} per delivery | status |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  const file = process.argv[2] ?? path.join(RESULTS_DIR, 'latest.json');
  console.log(markdown(JSON.parse(fs.readFileSync(file, 'utf8'))));
}

module.exports = { formatReport, writeResults, markdown };
