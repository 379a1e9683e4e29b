import type { Log } from '../../api/client';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { href } from '../../hooks/use-hash-route';

/** Delivery rows: event type and status first (what a reader scans for), then where and when. */
export function LogTable({ logs }: { logs: Log[] }) {
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Event type</th>
            <th scope="col">Status</th>
            <th scope="col">HTTP</th>
            <th scope="col" class="hide-narrow">
              Endpoint URL
            </th>
            <th scope="col">Attempts</th>
            <th scope="col" class="hide-narrow">
              Created
            </th>
          </tr>
        </thead>
        <tbody>
          {logs.map((log) => (
            <tr key={log.id}>
              <td>
                <a href={href('logs', log.id)}>{log.event_type}</a>
              </td>
              <td>
                <StatusBadge status={log.status} />
              </td>
              <td>{log.response_status ?? '—'}</td>
              <td class="mono break hide-narrow">{log.target_url}</td>
              <td>{log.attempts}</td>
              <td class="hide-narrow">
                <Time value={log.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
