import { FakeAccount } from "./accounts.js";
import { FaultQueue } from "./faults.js";
import { TokenAuthority, type TokenIdentity } from "./tokens.js";
import type {
  EncodedAnswer,
  FakeBackendOptions,
  FakeReply,
  FakeTurnInput,
  RecordedRequest,
} from "./types.js";

const DEFAULT_ACCESS_TTL_SECONDS = 3600;

/** Everything the fake backend knows, shared by its HTTP and WebSocket sides. */
export class BackendState {
  readonly accounts = new Map<string, FakeAccount>();
  readonly tokens: TokenAuthority;
  readonly requests: RecordedRequest[] = [];
  readonly encodedAnswers: EncodedAnswer[] = [];
  readonly refreshCount = new Map<string, number>();
  readonly reuseDetected: string[] = [];
  readonly faults = new FaultQueue();
  /** `https://127.0.0.1:P` once the HTTPS side listens (options.https), for workspace discovery. */
  httpsOrigin: string | undefined;
  /** The regional origin and its port (to tell which origin a request came in on). */
  regional: { origin: string; port: number } | undefined;

  constructor(readonly options: FakeBackendOptions) {
    this.tokens = new TokenAuthority(options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS);
    for (const spec of options.accounts) this.accounts.set(spec.accountId, new FakeAccount(spec));
  }

  account(accountId: string): FakeAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`fake backend: unknown account ${accountId}`);
    return account;
  }

  identity(accountId: string): TokenIdentity | undefined {
    const account = this.accounts.get(accountId);
    return account && { accountId, email: account.spec.email, plan: account.plan };
  }

  record(entry: Omit<RecordedRequest, "atMs">): RecordedRequest {
    const recorded = { ...entry, atMs: Date.now() };
    this.requests.push(recorded);
    return recorded;
  }

  reply(input: FakeTurnInput): FakeReply {
    return this.options.reply?.(input) ?? { kind: "text", text: input.userText };
  }
}
