import type { ComponentChildren } from 'preact';
import type { Subscription } from '../../api/client';
import { StatusBadge } from '../../components/StatusBadge';
import { href } from '../../hooks/use-hash-route';
import { endpointStatus } from './endpoint-status';

/** One endpoint in a list: its name (a link to it), its URL, what the list adds, and its status. */
export function EndpointRow({ endpoint, children }: { endpoint: Subscription; children?: ComponentChildren }) {
  return (
    <li class="list__item">
      <div class="list__main">
        <a href={href('endpoints', endpoint.id)} class="list__title">
          {endpoint.name}
        </a>
        <span class="mono break">{endpoint.url}</span>
        {children}
      </div>
      <StatusBadge status={endpointStatus(endpoint)} />
    </li>
  );
}
