/**
 * A loopback HTTP server that sits between the bot and the Bot API emulator
 * (telegram-test-api). It
 * - records every Bot API call the bot makes (method, payload, time, status);
 * - answers the methods the emulator lacks (sendChatAction, setMyCommands,
 *   answerInlineQuery, …) with ok, so they are recorded instead of failing;
 * - turns the emulator's instant getUpdates into long polling, so the runner does not spin;
 * - injects failures on request (a 429 with retry_after, a 502) to prove retries.
 * Everything else is forwarded to the emulator unchanged.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  readonly method: string;
  readonly token: string;
  readonly payload: Record<string, unknown>;
  readonly at: number;
  /** HTTP status the gateway answered with. */
  status: number;
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
  callsOf(method: string): RecordedCall[];
  /** Ends the current long-poll waits early (call when the emulator received an update). */
  wake(): void;
  close(): Promise<void>;
}

/** Methods answered here with `{ ok: true, result: true }` because the emulator lacks them. */
export const STUBBED_METHODS = [
  "sendChatAction",
  "setMyCommands",
  "deleteMyCommands",
  "answerInlineQuery",
  "setChatMenuButton",
  "close",
  "logOut",
] as const;

// Without wake() calls a long poll re-checks the emulator every pollStepMs.
const GATEWAY_DEFAULTS = { longPollMs: 1_000, pollStepMs: 15 };

/** A 429 as Telegram sends it. */
export function tooManyRequests(retryAfter: number): InjectedFailure {
  return {
    status: 429,
    body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } },
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
          const r = await forward(url.pathname, payload);
          const empty = Array.isArray(r.body.result) && r.body.result.length === 0;
          if (!empty || Date.now() >= until || gone || closed) {
            call.status = r.status;
            return send(r.status, r.body);
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
    callsOf: (method) => calls.filter((c) => c.method === method),
    wake: () => wakers.slice().forEach((w) => w()),
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
