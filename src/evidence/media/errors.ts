/** The bytes do not follow the format they claim; sniffing turns this into "not accepted". */
export class MalformedMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMediaError';
  }
}

/**
 * Metadata removal failed and the output was deleted. The file must not be stored as cleaned:
 * the caller either rejects it or keeps it only after telling the reporter it was not cleaned.
 */
export class MetadataStripError extends Error {
  constructor(
    readonly mime: string,
    cause: unknown,
  ) {
    super(`could not remove metadata from ${mime}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MetadataStripError';
  }
}
