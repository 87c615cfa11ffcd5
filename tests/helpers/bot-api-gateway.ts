/**
 * A loopback HTTP server that sits between the bot and the Bot API emulator
 * (telegram-test-api). It
 * - records every Bot API call the bot makes (method, payload, time, status);
 * - answers the methods the emulator lacks (sendChatAction, setMyCommands,
 *   answerInlineQuery, …) with ok, so they are recorded instead of failing;
 * - turns the emulator's instant getUpdates into long polling, so the runner does not spin;
 * - gives getUpdates Telegram's delivery rule, which the emulator lacks (it forgets an
 *   update once it has returned it): an update is returned again by every getUpdates
 *   until one asks for an offset above its id, so updates in a response that never
 *   reached the bot are not lost, and a bot that stops without confirming gets them again;
 * - injects failures on request: a 429 with retry_after, a 502, a dropped connection
 *   (the request never reaches the emulator), an update delivered a second time.
 * Everything else is forwarded to the emulator unchanged.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";

export interface RecordedCall {
  readonly method: string;
  readonly token: string;
  readonly payload: Record<string, unknown>;
  readonly at: number;
  /** HTTP status the gateway answered with (0 while none, or when there was none). */
  status: number;
  /** True when the gateway destroyed the connection instead of answering (dropNext). */
  dropped?: boolean;
  /** Ids of the updates a getUpdates call returned. */
  updateIds?: number[];
}

export interface InjectedFailure {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface BotApiGateway {
  /** Give this to the bot as settings.telegram.apiRoot. */
  readonly apiRoot: string;
  readonly calls: RecordedCall[];
  /** The next `times` calls of `method` get `failure` instead of reaching the emulator. */
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  /** The next `times` calls of `method` have their connection destroyed before anything is forwarded. */
  dropNext(method: string, times?: number): void;
  /**
   * The next getUpdates of `token` also returns these updates again (all it ever
   * returned to that token when `ids` is left out), whatever offset it asks for: a
   * duplicate delivery, as after network trouble or a restart.
   */
  redeliver(token: string, ids?: readonly number[]): void;
  /** Every update getUpdates returned to `token`, in order, duplicates included. */
  delivered(token: string): Update[];
  /** Highest offset `token` confirmed with getUpdates (0 when none). */
  confirmedOffset(token: string): number;
  callsOf(method: string): RecordedCall[];
  /** Calls `listener` as each call arrives, before it is answered; returns a function that stops it. */
  watch(listener: (call: RecordedCall) => void): () => void;
  /** Ends the current long-poll waits early (call when the emulator received an update). */
  wake(): void;
  close(): Promise<void>;
}

/** Methods answered here with `{ ok: true, result: true }` because the emulator lacks them. */
export const STUBBED_METHODS = [
  "sendChatAction", "setMyCommands", "deleteMyCommands", "setMyDescription", "setMyShortDescription", "answerInlineQuery",
  "setChatMenuButton", "close", "logOut",
] as const;

// Without wake() calls a long poll re-checks the emulator every pollStepMs.
const GATEWAY_DEFAULTS = { longPollMs: 1_000, pollStepMs: 15 };

/** A 429 as Telegram sends it. */
export function tooManyRequests(retryAfter: number): InjectedFailure {
  return {
    status: 429,
    body: {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  };
}

/** A transient server error. */
export function badGateway(): InjectedFailure {
  return { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } };
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

/** Starts the gateway on 127.0.0.1 with a free port, forwarding to `upstream` (the emulator's URL). */
export async function startBotApiGateway(upstream: string, options: Partial<typeof GATEWAY_DEFAULTS> = {}): Promise<BotApiGateway> {
  const o = { ...GATEWAY_DEFAULTS, ...options };
  const calls: RecordedCall[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  const drops = new Map<string, number>();
  // Per token: updates fetched from the emulator and not yet confirmed, ascending ids.
  const unconfirmed = new Map<string, Update[]>();
  // Per token: updates to deliver again in the next response.
  const again = new Map<string, Update[]>();
  const history = new Map<string, Update[]>();
  const confirmed = new Map<string, number>();
  const listeners = new Set<(call: RecordedCall) => void>();
  let closed = false;
  let wakers: (() => void)[] = [];

  const forward = async (path: string, payload: Record<string, unknown>) => {
    const res = await fetch(upstream + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** One look at the emulator under Telegram's rule; `ok: false` bodies are passed on. */
  const pollOnce = async (path: string, token: string, payload: Record<string, unknown>) => {
    const offset = Number(payload.offset ?? 0);
    const limit = Math.max(1, Math.min(100, Number(payload.limit ?? 100)));
    let pending = unconfirmed.get(token) ?? [];
    if (offset > 0) {
      pending = pending.filter((u) => u.update_id >= offset);
      confirmed.set(token, Math.max(confirmed.get(token) ?? 0, offset));
    }
    const r = await forward(path, { ...payload, offset: undefined, limit: undefined });
    if (!Array.isArray(r.body.result)) return { status: r.status, body: r.body, updates: undefined };
    pending = [...pending, ...(r.body.result as Update[])];
    unconfirmed.set(token, pending);
    return { status: r.status, body: r.body, updates: [...(again.get(token) ?? []), ...pending.slice(0, limit)] };
  };

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!m) return send(404, { ok: false, error_code: 404, description: "Not Found" });
      const [, token, method] = m as unknown as [string, string, string];
      const payload = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
      const call: RecordedCall = { method, token, payload, at: Date.now(), status: 0 };
      calls.push(call);
      listeners.forEach((l) => l(call));

      const toDrop = drops.get(method) ?? 0;
      if (toDrop > 0) {
        drops.set(method, toDrop - 1);
        call.dropped = true;
        req.socket.destroy();
        return;
      }
      const queued = failures.get(method);
      if (queued && queued.length > 0) {
        const f = queued.shift()!;
        call.status = f.status;
        return send(f.status, f.body);
      }
      if ((STUBBED_METHODS as readonly string[]).includes(method)) {
        call.status = 200;
        return send(200, { ok: true, result: true });
      }
      if (method === "getUpdates") {
        let gone = false;
        res.on("close", () => (gone = true));
        const waitMs = Math.min(Number(payload.timeout ?? 0) * 1000, o.longPollMs);
        const until = Date.now() + waitMs;
        for (;;) {
          const r = await pollOnce(url.pathname, token, payload);
          if (!r.updates) {
            call.status = r.status;
            return send(r.status, r.body);
          }
          if (r.updates.length > 0 || Date.now() >= until || gone || closed) {
            // A response nobody reads delivers nothing; the updates stay unconfirmed.
            if (gone || res.destroyed) return;
            again.delete(token);
            history.set(token, [...(history.get(token) ?? []), ...r.updates]);
            call.status = 200;
            call.updateIds = r.updates.map((u) => u.update_id);
            return send(200, { ok: true, result: r.updates });
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, o.pollStepMs);
            function done() {
              clearTimeout(timer);
              wakers = wakers.filter((w) => w !== done);
              resolve();
            }
            wakers.push(done);
          });
        }
      }
      const r = await forward(url.pathname, payload);
      call.status = r.status;
      return send(r.status, r.body);
    } catch (e) {
      send(500, { ok: false, error_code: 500, description: `gateway: ${(e as Error).message}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    failNext(method, failure, times = 1) {
      const q = failures.get(method) ?? [];
      for (let k = 0; k < times; k++) q.push(failure);
      failures.set(method, q);
    },
    dropNext(method, times = 1) {
      drops.set(method, (drops.get(method) ?? 0) + times);
    },
    redeliver(token, ids) {
      const past = history.get(token) ?? [];
      const chosen = ids ? ids.map((id) => past.find((u) => u.update_id === id)).filter((u): u is Update => u !== undefined) : past;
      const unique = [...new Map(chosen.map((u) => [u.update_id, u])).values()];
      again.set(token, [...(again.get(token) ?? []), ...unique]);
      wakers.slice().forEach((w) => w());
    },
    delivered: (token) => [...(history.get(token) ?? [])],
    confirmedOffset: (token) => confirmed.get(token) ?? 0,
    callsOf: (method) => calls.filter((c) => c.method === method),
    watch(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    wake: () => wakers.slice().forEach((w) => w()),
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
