// The server side of the contract: one dispatcher that both transports (Electron IPC, admin HTTP) call.
// Every payload crossing a boundary is validated here with zod, so the transports stay thin.
import { z } from 'zod';
import { unknownSettings } from '../config/unknown.js';
import type {
  ApiEvents,
  ApiOperations,
  EventName,
  LogEntry,
  OperationName,
  PoolStatsResponse,
  RequestRecord,
  RuntimeStatus,
  UsageTotals,
  SaveResult,
  SettingsPatch,
  SettingsView,
  FieldError,
  ExportResult,
  HistoryFilter,
  RequestDetail,
  RequestsPage,
  UsageReport,
  UsageGroupBy,
} from '../common/contract.js';
import { EXPORT_API_LIMIT } from '../common/contract.js';
import { exportQuerySchema, requestsQuerySchema, usageQuerySchema } from '../requests/history/params.js';

/** The history's operations (requests/history/reader.ts implements them). */
export interface HistoryBackend {
  /** "on", or "off: <reason>". */
  readonly state: string;
  page(filter: HistoryFilter, limit?: number): RequestsPage;
  detail(id: string): RequestDetail | null;
  usage(groupBy: UsageGroupBy, filter: HistoryFilter): UsageReport;
  exportLines(format: 'csv' | 'jsonl', filter: HistoryFilter): Iterable<string>;
  clear(): { deleted: number; history: string };
  reset(): { moved_to: string | null; history: string };
}

/** What the API needs from the runtime; runtime.ts implements it. */
export interface ApiBackend {
  status(): RuntimeStatus;
  stats(): PoolStatsResponse;
  logs(): LogEntry[];
  settingsView(): SettingsView;
  validateSettings(patch: SettingsPatch): FieldError[];
  saveSettings(patch: SettingsPatch): Promise<SaveResult>;
  /**
   * Switches pooling for the running proxy only, writing nothing. Optional so a backend without a pool (a
   * test stub) can leave it out; setPoolingEnabled with persist: false then answers that it cannot.
   */
  setPoolingRuntime?(enabled: boolean): Promise<SaveResult>;
  onLog(listener: (entry: LogEntry) => void): () => void;
  onStatus(listener: (status: RuntimeStatus) => void): () => void;
  /** Newest first; `before`: only records older than that id (the next page). */
  requests(limit?: number, before?: string): RequestRecord[];
  usage(): UsageTotals;
  onRequest(listener: (record: RequestRecord) => void): () => void;
  /** The history; absent in stubs (its operations then answer 501). */
  history?: HistoryBackend;
}

const settingsPatch = z.record(z.string(), z.record(z.string(), z.unknown()));

const requestSchemas: { [K in OperationName]: z.ZodType<ApiOperations[K]['request']> } = {
  getStatus: z.undefined().or(z.null()).transform(() => undefined),
  getStats: z.undefined().or(z.null()).transform(() => undefined),
  getRequests: requestsQuerySchema
    .or(z.undefined())
    .or(z.null())
    .transform((v) => v ?? undefined),
  getRequestPage: requestsQuerySchema
    .or(z.undefined())
    .or(z.null())
    .transform((v) => v ?? undefined),
  getRequestDetail: z.object({ id: z.string().min(1).max(200) }).strict(),
  getUsageReport: usageQuerySchema,
  exportRequests: exportQuerySchema,
  clearHistory: z.undefined().or(z.null()).transform(() => undefined),
  resetHistory: z.undefined().or(z.null()).transform(() => undefined),
  getUsage: z.undefined().or(z.null()).transform(() => undefined),
  getLogs: z.undefined().or(z.null()).transform(() => undefined),
  getSettings: z.undefined().or(z.null()).transform(() => undefined),
  validateSettings: settingsPatch,
  saveSettings: settingsPatch,
  setPoolingEnabled: z.object({ enabled: z.boolean(), persist: z.boolean().optional() }).strict(),
};

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(requestSchemas, name);
}

export interface ServerApi {
  /** Validates `payload` for `op` and runs it. Throws ApiRequestError for an unknown op or a bad payload. */
  call<K extends OperationName>(op: K | string, payload: unknown): Promise<ApiOperations[K]['response']>;
  /** Pushes every event to `listener` until the returned function is called. Stats are pushed every second. */
  subscribe(listener: <E extends EventName>(event: E, payload: ApiEvents[E]) => void): () => void;
}

export function createServerApi(backend: ApiBackend, statsIntervalMs = 1000): ServerApi {
  const history = (): HistoryBackend => {
    if (!backend.history) throw new ApiRequestError('This backend keeps no history.', 501);
    return backend.history;
  };
  const handlers: { [K in OperationName]: (req: ApiOperations[K]['request']) => Promise<ApiOperations[K]['response']> } = {
    getStatus: async () => backend.status(),
    getStats: async () => backend.stats(),
    getLogs: async () => backend.logs(),
    getSettings: async () => backend.settingsView(),
    getRequests: async (request) => {
      if (!backend.history) return backend.requests(request?.limit, request?.before);
      const { limit, ...filter } = request ?? {};
      return backend.history.page(filter, limit).requests;
    },
    getUsage: async () => backend.usage(),
    getRequestPage: async (request) => {
      const { limit, ...filter } = request ?? {};
      return history().page(filter, limit);
    },
    getRequestDetail: async ({ id }) => history().detail(id),
    getUsageReport: async ({ group_by, ...filter }) => history().usage(group_by, filter),
    exportRequests: async ({ format, ...filter }): Promise<ExportResult> => {
      let text = '';
      let records = -Number(format === 'csv'); // the CSV header line is not a record
      for (const line of history().exportLines(format, filter)) {
        if (records === EXPORT_API_LIMIT) return { format, text, records, truncated: true };
        text += line;
        records++;
      }
      return { format, text, records, truncated: false };
    },
    clearHistory: async () => history().clear(),
    resetHistory: async () => history().reset(),
    validateSettings: async (patch) => backend.validateSettings(patch),
    saveSettings: (patch) => backend.saveSettings(patch),
    // The header switch and the tray save the choice; persist: false is for tools that flip it and put it back.
    setPoolingEnabled: async ({ enabled, persist = true }) => {
      if (persist) return backend.saveSettings({ pool_settings: { enabled } });
      if (!backend.setPoolingRuntime) return { ok: false, errors: [{ path: 'pool_settings.enabled', message: 'This backend cannot switch pooling without saving.' }] };
      return backend.setPoolingRuntime(enabled);
    },
  };

  return {
    async call(op, payload) {
      if (!isOperationName(op)) throw new ApiRequestError(`Unknown operation "${op}"`, 404);
      const parsed = requestSchemas[op].safeParse(payload);
      if (!parsed.success) {
        throw new ApiRequestError(`Invalid payload for ${op}: ${z.prettifyError(parsed.error)}`);
      }
      // A typo in a save (`pool_setting`, `maxsize`) would be written and then ignored: refused, naming the nearest name.
      if (op === 'saveSettings' || op === 'validateSettings') {
        const unknown = unknownSettings(parsed.data as Record<string, unknown>);
        if (unknown.length) throw new ApiRequestError(`Not saved: ${unknown.map((u) => u.message).join(' ')} Nothing was written.`);
      }
      const handler = handlers[op] as (req: unknown) => Promise<never>;
      return handler(parsed.data);
    },
    subscribe(listener) {
      const offLog = backend.onLog((entry) => listener('log', entry));
      const offStatus = backend.onStatus((status) => listener('status', status));
      const offRequest = backend.onRequest((record) => listener('request', record));
      const timer = setInterval(() => listener('stats', backend.stats()), statsIntervalMs);
      timer.unref();
      return () => {
        offLog();
        offStatus();
        offRequest();
        clearInterval(timer);
      };
    },
  };
}
