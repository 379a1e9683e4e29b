import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { DomainError } from '@app/domain/errors';
import { MetricsService } from '@app/observability';

/** Client errors that are not about the event itself (authentication, throttling, outages): not rejections. */
const NOT_REJECTIONS = new Set(['unauthorized', 'forbidden', 'rate_limited', 'service_unavailable']);
const REASON_BY_STATUS: Record<number, string> = { 400: 'validation_failed', 413: 'payload_too_large', 415: 'unsupported_media_type' };

/**
 * Counts events the intake endpoint refuses (hookline_events_rejected_total{reason}). An interceptor
 * because validation (the pipe) runs inside it, before the service; accepted events are counted by
 * EventService when stored.
 */
@Injectable()
export class EventRejectionMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const reason = rejectionReason(error);
        if (reason) this.metrics.eventRejected(reason);
        return throwError(() => error);
      }),
    );
  }
}

function rejectionReason(error: unknown): string | undefined {
  if (error instanceof DomainError) return NOT_REJECTIONS.has(error.code) ? undefined : error.code;
  if (error instanceof HttpException && error.getStatus() >= 400 && error.getStatus() < 500) {
    return REASON_BY_STATUS[error.getStatus()] ?? 'other';
  }
  return undefined;
}
