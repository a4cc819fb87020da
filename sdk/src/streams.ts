import { errorFromResponse } from './errors.js';
import { backoffMs, type TokenManager, type TransportOptions } from './transport.js';

/** One streamed event: the exact body a webhook delivery would POST, and its signed headers. */
export interface StreamedEvent {
  id: string;
  headers: { 'x-l2f-event-id': string; 'x-timestamp': string; 'x-signature': string };
  /** The raw JSON body, byte for byte as signed: verify it with `verifyWebhook(body, headers, key)`. */
  body: string;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Resume after this event id. */
  lastEventId?: string;
  /** Called when the stream is open (and again after each reconnection). */
  onOpen?: () => void;
}

/** Parses a text/event-stream body into `{id, event, data}` messages. */
async function* sse(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; event?: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: { id?: string; event?: string; data: string } = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
        else if (field === 'data') {
          message.data += hasData ? `\n${value}` : value;
          hasData = true;
        }
      }
      if (hasData) yield message;
    }
  }
}

/**
 * The events of an event listener (`GET /v1/event-listeners/{id}/stream`), as they happen, until
 * `signal` aborts. A dropped connection is reopened (with backoff) after the last event received.
 */
export async function* streamListener(opts: TransportOptions, tokens: TokenManager, listenerId: string, options: StreamOptions = {}) {
  let lastEventId = options.lastEventId;
  let failures = 0;
  let refreshed = false;
  while (!options.signal?.aborted) {
    let response: Response;
    const token = await tokens.get(options.signal);
    try {
      response = await opts.fetch(`${opts.baseUrl}/v1/event-listeners/${encodeURIComponent(listenerId)}/stream`, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
          'user-agent': opts.userAgent,
          ...opts.headers,
          ...(lastEventId && { 'last-event-id': lastEventId }),
        },
        ...(options.signal && { signal: options.signal }),
      });
    } catch (err) {
      if (options.signal?.aborted || ++failures > opts.maxRetries) throw err;
      await new Promise((r) => setTimeout(r, backoffMs(failures - 1)));
      continue;
    }
    if (response.status === 401 && !refreshed) {
      refreshed = true;
      tokens.invalidate(token);
      continue;
    }
    if (!response.ok || !response.body) {
      const body = await response.json().catch(() => undefined);
      if (response.status >= 500 && ++failures <= opts.maxRetries) {
        await new Promise((r) => setTimeout(r, backoffMs(failures - 1)));
        continue;
      }
      throw errorFromResponse(response, body);
    }
    failures = 0;
    refreshed = false;
    options.onOpen?.();
    try {
      for await (const message of sse(response.body)) {
        if (message.event !== 'event') continue;
        const parsed = JSON.parse(message.data) as Omit<StreamedEvent, 'id'>;
        const event: StreamedEvent = { id: message.id ?? parsed.headers['x-l2f-event-id'], ...parsed };
        lastEventId = event.id;
        yield event;
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      if (++failures > opts.maxRetries) throw err;
    }
    if (options.signal?.aborted) return;
    // The server ended the stream (listener deleted, server closing): reopen once; a 404 ends it.
    await new Promise((r) => setTimeout(r, backoffMs(failures)));
  }
}
