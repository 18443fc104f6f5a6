// The data layer's one error type. Every failure to fetch, decompress or parse a dataset file
// becomes a DataFormatError whose message names the file (or URL) and the problem, so the UI can
// show it as-is and a test can assert on it. Anything else escaping the data layer is a bug.

export class DataFormatError extends Error {
  /** The file name or URL the problem is about. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'DataFormatError';
    this.file = file;
  }
}

/**
 * The dataset is not on the server at all: its manifest is a 404 (or a dev server's HTML fallback).
 * A DataFormatError like any other; the page tells it apart to fall back to a copy stored in the
 * browser or to ask the user for the files.
 */
export class DatasetNotHostedError extends DataFormatError {
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(file, problem, options);
    this.name = 'DatasetNotHostedError';
  }
}
