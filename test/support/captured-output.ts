/**
 * What the code under test writes to stdout and stderr (Powertools writes its JSON log lines and
 * metrics there), with DATAGATE_LOG switched to `json` for the duration.
 */
export interface CapturedOutput {
  /** Everything written, as text. */
  text(): string;
  /** Every line that is a JSON object. */
  objects(): Record<string, any>[];
  /** Log lines (not metrics) whose message is `message`. */
  logs(message: string): Record<string, any>[];
  /** Embedded-metric-format objects (the `_aws` key). */
  metrics(): Record<string, any>[];
  restore(): void;
}

export function captureOutput(): CapturedOutput {
  const previous = process.env.DATAGATE_LOG;
  process.env.DATAGATE_LOG = 'json';
  let written = '';
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }),
  );
  const objects = () =>
    written
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
  return {
    text: () => written,
    objects,
    logs: (message) => objects().filter((object) => !('_aws' in object) && object.message === message),
    metrics: () => objects().filter((object) => '_aws' in object),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
      if (previous === undefined) delete process.env.DATAGATE_LOG;
      else process.env.DATAGATE_LOG = previous;
    },
  };
}

/** The value of a metric in an EMF object, with the dimension sets it was published under. */
export function metricValue(emf: Record<string, any>, name: string): number | undefined {
  const declared = emf._aws.CloudWatchMetrics.some((directive: any) =>
    directive.Metrics.some((metric: any) => metric.Name === name),
  );
  return declared ? (emf[name] as number) : undefined;
}

export function dimensionSets(emf: Record<string, any>): string[][] {
  return emf._aws.CloudWatchMetrics.flatMap((directive: any) => directive.Dimensions);
}
