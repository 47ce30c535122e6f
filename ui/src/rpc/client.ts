import type { ConnectionStatus, Transport } from "./transport";
import type { BackendEvents, CommandName, Envelope, Params, Result } from "./types";

export class RpcError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
  }
}

type EventHandler = <E extends keyof BackendEvents>(command: E, data: BackendEvents[E]) => void;

interface Pending {
  command: string;
  resolve(data: unknown): void;
  reject(err: Error): void;
}

/**
 * Requests with ids and their one reply each, backend events to listeners,
 * cancellation through AbortSignal. Transport-agnostic.
 */
export class RpcClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private eventHandlers = new Set<EventHandler>();
  private statusHandlers = new Set<(s: ConnectionStatus) => void>();
  status: ConnectionStatus = { state: "connecting" };

  constructor(private readonly transport: Transport) {}

  start(): void {
    this.transport.connect({
      message: (env) => this.receive(env),
      status: (s) => {
        // Requests in flight on a lost connection get no reply from the next one.
        if (s.state !== "open" && s.state !== "connecting") this.failAll("connection lost");
        this.status = s;
        for (const h of this.statusHandlers) h(s);
      },
    });
  }

  stop(): void {
    this.transport.close();
    this.failAll("client stopped");
  }

  request<C extends CommandName>(
    command: C,
    data: Params<C>,
    signal?: AbortSignal,
  ): Promise<Result<C>> {
    const id = this.nextId++;
    return new Promise<Result<C>>((resolve, reject) => {
      if (signal?.aborted) return reject(new RpcError(command, "request cancelled"));
      this.pending.set(id, { command, resolve: resolve as (d: unknown) => void, reject });
      if (!this.transport.send({ command, request_id: id, data })) {
        this.pending.delete(id);
        return reject(new RpcError(command, "not connected to the backend"));
      }
      // The backend answers the cancelled request itself with an error, which settles it.
      signal?.addEventListener("abort", () => {
        if (this.pending.has(id)) {
          this.transport.send({ command: "cancel", request_id: this.nextId++, data: { request_id: id } });
        }
      });
    });
  }

  onEvent(handler: EventHandler): () => void {
    this.eventHandlers.add(handler);
    return () => this.eventHandlers.delete(handler);
  }

  onStatus(handler: (s: ConnectionStatus) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  private receive(env: Envelope): void {
    if (env.request_id > 0 && (env.command === "response" || env.command === "error")) {
      const p = this.pending.get(env.request_id);
      if (!p) return;
      this.pending.delete(env.request_id);
      if (env.command === "response") p.resolve(env.data);
      else p.reject(new RpcError(p.command, String(env.data)));
      return;
    }
    for (const h of this.eventHandlers) h(env.command as keyof BackendEvents, env.data as never);
  }

  private failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new RpcError(p.command, reason));
    }
  }
}
