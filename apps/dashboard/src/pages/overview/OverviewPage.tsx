import { DeliveriesChart } from '../../components/DeliveriesChart';
import { PageHeader } from '../../components/Shell';
import { Loaded } from '../../components/States';
import { EndpointRow } from '../endpoints/EndpointRow';
import { overviewFigures } from './overview-figures';
import { useDayStats, useTroubledEndpoints } from './use-overview';
import { Card } from '../../components/Card';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate >= 0.999 || rate === 0 ? 0 : 1)} %`);
const ms = (value: number | null) => (value === null ? '—' : `${value} ms`);

/** The last 24 hours at a glance: outcomes over time, success rate, attempt durations, endpoints in trouble. */
export function OverviewPage() {
  const stats = useDayStats();
  const troubled = useTroubledEndpoints();
  return (
    <>
      <PageHeader title="Overview" />
      <Loaded resource={stats}>
        {(data) => {
          const figures = overviewFigures(data);
          return (
            <>
              <dl class="tiles">
                <div class="tile">
                  <dt>Success rate (24 h)</dt>
                  <dd>{percent(figures.successRate)}</dd>
                </div>
                <div class="tile">
                  <dt>Delivered</dt>
                  <dd>{figures.delivered}</dd>
                </div>
                <div class="tile">
                  <dt>Failed</dt>
                  <dd>{figures.failed}</dd>
                </div>
                <div class="tile">
                  <dt>Attempt p50</dt>
                  <dd>{ms(figures.p50Ms)}</dd>
                </div>
                <div class="tile">
                  <dt>Attempt p95</dt>
                  <dd>{ms(figures.p95Ms)}</dd>
                </div>
              </dl>
              <Card id="chart" title="Deliveries in the last 24 hours, per hour">
                <DeliveriesChart
                  stats={data}
                  label={`Deliveries per hour: ${figures.delivered} delivered, ${figures.failed} failed, ${figures.retrying} retrying`}
                />
              </Card>
            </>
          );
        }}
      </Loaded>
      <Card id="troubled" title="Failing or disabled endpoints">
        <Loaded resource={troubled} isEmpty={(data) => data.length === 0} empty={<p>Every endpoint is active and none of the recent deliveries failed.</p>}>
          {(data) => (
            <ul class="list">
              {data.map(({ endpoint, recentFailures }) => (
                <EndpointRow key={endpoint.id} endpoint={endpoint}>
                  {endpoint.disabled_reason && <span class="field-error">{endpoint.disabled_reason}</span>}
                  {recentFailures > 0 && <span class="muted">{recentFailures} recent failed deliveries</span>}
                </EndpointRow>
              ))}
            </ul>
          )}
        </Loaded>
      </Card>
    </>
  );
}
