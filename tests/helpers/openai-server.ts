/**
 * A small, real OpenAI-compatible HTTP server on 127.0.0.1 for tests: it implements
 * `POST /v1/chat/completions` (non-streaming), records every request, and lets each
 * test script the reply as a function of the request body. The project's LLM client
 * talks to it over a real socket, so tests exercise the real `ChatOpenAI` code path.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A chat message as the client sent it. */
export interface RecordedMessage {
  readonly role: string;
  readonly content: unknown;
}

/** The parts of a chat-completions request body tests look at (the rest is kept in `raw`). */
export interface ChatRequestBody {
  readonly model?: string;
  readonly messages: readonly RecordedMessage[];
  readonly stream?: boolean;
  readonly temperature?: number;
  readonly [key: string]: unknown;
}

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or null when the body was not JSON. */
  readonly body: ChatRequestBody | null;
  readonly rawBody: string;
  readonly receivedAt: number;
}

/** What the server answers to one request. */
export type ScriptedReply =
  /** A normal completion whose assistant message holds `content`. */
  | { readonly content: string; readonly delayMs?: number; readonly finishReason?: string }
  /** An HTTP error with a body (default: an OpenAI-style error object). */
  | { readonly status: number; readonly body?: unknown; readonly delayMs?: number }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { readonly hang: true };

export type ReplyScript = (body: ChatRequestBody, request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface OpenAiTestServer {
  /** e.g. http://127.0.0.1:41234/v1 — what a client takes as its base URL. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Replaces the reply script for the following requests. */
  setReply(script: ReplyScript): void;
  /** Closes the server and drops open connections (pending replies included). */
  close(): Promise<void>;
}

const COMPLETIONS_PATH = "/v1/chat/completions";

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string): ChatRequestBody | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && Array.isArray((parsed as { messages?: unknown }).messages))
      return parsed as ChatRequestBody;
    return null;
  } catch {
    return null;
  }
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function completion(model: string, content: string, finishReason: string): unknown {
  return {
    id: `chatcmpl-test-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

/** Starts the server on a random loopback port. The default reply is an empty JSON answer. */
export async function startOpenAiServer(initial?: ReplyScript): Promise<OpenAiTestServer> {
  let script: ReplyScript = initial ?? (() => ({ content: '{"answer":"","citations":[],"refused":true}' }));
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number, res: http.ServerResponse) =>
    new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve(!res.destroyed && !res.writableEnded);
      }, ms);
      timers.add(t);
      // A client that gives up closes the socket; stop waiting for it.
      res.on("close", () => {
        if (timers.delete(t)) {
          clearTimeout(t);
          resolve(false);
        }
      });
    });

  const server = http.createServer(async (req, res) => {
    const rawBody = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: parseBody(rawBody),
      rawBody,
      receivedAt: Date.now(),
    };
    requests.push(record);

    if (req.method !== "POST" || !(req.url ?? "").startsWith(COMPLETIONS_PATH)) {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error" } });
      return;
    }
    if (!record.body) {
      sendJson(res, 400, { error: { message: "body is not a chat-completions request", type: "invalid_request_error" } });
      return;
    }
    if (record.body.stream === true) {
      // The answerer never streams; fail loudly if that changes.
      sendJson(res, 400, { error: { message: "streaming is not implemented by the test server", type: "invalid_request_error" } });
      return;
    }

    let reply: ScriptedReply;
    try {
      reply = await script(record.body, record);
    } catch (err) {
      sendJson(res, 500, { error: { message: `reply script failed: ${(err as Error).message}`, type: "server_error" } });
      return;
    }
    if ("hang" in reply) return;
    if (reply.delayMs && !(await wait(reply.delayMs, res))) return;
    if ("status" in reply) {
      sendJson(res, reply.status, reply.body ?? { error: { message: `scripted ${reply.status}`, type: "server_error", code: null } });
      return;
    }
    sendJson(res, 200, completion(record.body.model ?? "test-model", reply.content, reply.finishReason ?? "stop"));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setReply(next) {
      script = next;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The text of the messages of a recorded request with a given role (string contents only). */
export function messagesOf(request: RecordedRequest, role: string): string[] {
  return (request.body?.messages ?? [])
    .filter((m) => m.role === role)
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)));
}
