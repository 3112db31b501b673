export {
  bodyExcerpt,
  HttpAbortError,
  HttpConnectionError,
  HttpError,
  HttpStatusError,
  HttpTimeoutError,
  type HttpErrorDetails,
  type RequestInfo,
} from './errors.js';
export {
  httpRequest,
  type CallOptions,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type QueryValue,
} from './http-request.js';
export {
  Page,
  PagePromise,
  type PageData,
  type PageFetcher,
  type PageWindow,
} from './pagination.js';
export {
  DEFAULT_MAX_RETRIES,
  isRetryableStatus,
  isSafeToRepeat,
  pause,
  retryAfterMs,
  retryDelayMs,
} from './retry-policy.js';
