// OpenAI Chat Completions compatibility: pure translation to and from Anthropic Messages (no HTTP).
export { translateChatRequest, resolveModel, DEFAULT_MAX_TOKENS, type ModelMapping, type TranslateResult } from './request.js';
export {
  translateMessageResponse,
  mapStopReason,
  toOpenAIUsage,
  type AnthropicMessage,
  type OpenAIChatCompletion,
  type FinishReason,
} from './response.js';
export { ChatStreamTranslator } from './stream.js';
export { toOpenAIError, openAIError, mapAnthropicErrorType, type OpenAIErrorBody } from './errors.js';
export { toOpenAIModelList, type OpenAIModel } from './models.js';
export { chatRequestSchema, parseChatRequest, type ChatRequest } from './schema.js';
