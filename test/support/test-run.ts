/**
 * Start of every BullMQ prefix of this Jest run (global setup sets HOOKLINE_TEST_RUN), so global
 * teardown deletes exactly this run's keys. No @app imports: global hooks run without Jest's mapper.
 */
export function testRunPrefix(): string {
  return `hltest-${process.env.HOOKLINE_TEST_RUN ?? 'local'}-`;
}
