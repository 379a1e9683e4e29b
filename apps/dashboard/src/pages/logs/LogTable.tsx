import type { Log } from '../../api/client';
import { StatusBadge } from '../../components/StatusBadge';
import { Time } from '../../components/Time';
import { href } from '../../hooks/use-hash-route';
import { Table, type Column } from '../../components/Table';

const COLUMNS: Column[] = [
  { label: 'Event type' },
  { label: 'Status' },
  { label: 'HTTP' },
  { label: 'Endpoint URL', narrow: false },
  { label: 'Attempts' },
  { label: 'Created', narrow: false },
];

/** Delivery rows: event type and status first (what a reader scans for), then where and when. */
export function LogTable({ logs }: { logs: Log[] }) {
  return (
    <Table columns={COLUMNS}>
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
    </Table>
  );
}
