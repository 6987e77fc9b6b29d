// A team server's event stream (GET /api/events, server-sent events) read by main and handed on as contract
// events: each `data:` line is checked (remote-schemas.ts) and what is not a known event is dropped. A dropped
// connection is reopened with a growing pause (a restarting server); a 401 means the session is gone, and the
// stream stops until a new login opens another.
import type { IncomingMessage } from 'node:http';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import { httpStream } from './http-request.js';
import { parseRemoteEvent } from './remote-schemas.js';

export interface RemoteEventOptions {
  url: URL;
  ca?: string | Buffer;
  /** The session's headers, or null when there is no session (then the stream stops). */
  headers: () => Record<string, string> | null;
  onEvent: (event: WorkbenchEvent) => void;
  onUnauthorized: () => void;
  /** Each time the stream is open (the server's first comment arrived): events from now on reach onEvent. */
  onOpen?: () => void;
}

// The server writes a keep-alive every 15 s: three missed ones mean the connection is dead.
const IDLE_MS = 45_000;
const MAX_PAUSE_MS = 5000;
// One event is a few hundred bytes; a line longer than this is not one of ours.
const MAX_BUFFER = 1024 * 1024;

export class RemoteEventStream {
  private closed = false;
  private abort: () => void = () => {};
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: RemoteEventOptions) {
    void this.run(0);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort();
  }

  private async run(attempt: number): Promise<void> {
    const headers = this.options.headers();
    if (this.closed || !headers) return;
    const { response, abort } = httpStream(this.options.url, { headers, ca: this.options.ca, idleMs: IDLE_MS });
    this.abort = abort;
    let received = false;
    try {
      const res = await response;
      if (res.statusCode === 401) {
        res.resume();
        this.options.onUnauthorized();
        return;
      }
      if (res.statusCode === 200) received = await this.read(res);
      else res.resume();
    } catch {
      // Unreachable for now: the pause below, then another try.
    }
    if (this.closed) return;
    const next = received ? 0 : attempt + 1;
    this.timer = setTimeout(() => void this.run(next), Math.min(MAX_PAUSE_MS, 250 * 2 ** Math.min(next, 5)));
    this.timer.unref?.(); // a pending reconnection alone does not keep a process alive
  }

  /** Reads events until the connection ends; true when it was a working stream (then the pause starts over). */
  private read(res: IncomingMessage): Promise<boolean> {
    return new Promise((resolve) => {
      let buffer = '';
      let working = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!working) this.options.onOpen?.();
        working = true;
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, cut)
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          buffer = buffer.slice(cut + 2);
          const event = data ? parseRemoteEvent(data) : null;
          if (event && !this.closed) this.options.onEvent(event);
        }
        if (buffer.length > MAX_BUFFER) res.destroy();
      });
      res.on('close', () => resolve(working));
      res.on('error', () => {});
    });
  }
}
