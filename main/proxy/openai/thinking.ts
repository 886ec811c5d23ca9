// OpenAI's reasoning effort → Claude's extended thinking. Claude 4.6 and later take the adaptive form: thinking
// {type: "adaptive"} and output_config.effort (minimal → low, others as named). Earlier models take a budget; the
// budget table (also in docs/openai-compat.md):
//   none → thinking off · minimal 1024 · low 2048 · medium 8192 · high 16384 · xhigh 32768 tokens.
// Claude's budget must be ≥ 1024 and below max_tokens, and thinking tokens count toward max_tokens, as OpenAI's
// reasoning tokens count toward max_output_tokens: with a client limit the budget is fitted under it (thinking is
// left off when fewer than 1024 tokens would remain for it); without one, the budget is added to the default.
export const EFFORT_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};
export const MIN_THINKING_BUDGET = 1024;

import { usesAdaptiveThinking } from './model-caps.js';

export interface ThinkingPlan {
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' };
  /** output_config.effort, for the adaptive form. */
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  maxTokens: number;
}

const ADAPTIVE_EFFORT: Readonly<Record<string, ThinkingPlan['effort']>> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max' };

/**
 * `effort` (or an explicit budget from Chat Completions' `thinking`), the client's own token limit (undefined when
 * it sent none) and the configured default → the thinking block to send and max_tokens.
 */
export function planThinking(effort: string | null | undefined, budget: number | undefined, clientMax: number | undefined, defaultMax: number, model = ''): ThinkingPlan {
  const wanted = budget ?? (effort ? EFFORT_BUDGETS[effort] : undefined);
  if (wanted === undefined) return { maxTokens: clientMax ?? defaultMax };
  if (usesAdaptiveThinking(model)) {
    // The same headroom as the budget form; the model decides how much of it to think with.
    return { thinking: { type: 'adaptive' }, effort: ADAPTIVE_EFFORT[effort ?? ''] ?? 'high', maxTokens: clientMax ?? defaultMax + wanted };
  }
  if (clientMax !== undefined) {
    const fitted = Math.min(wanted, clientMax - 1);
    if (fitted < MIN_THINKING_BUDGET) return { maxTokens: clientMax };
    return { thinking: { type: 'enabled', budget_tokens: fitted }, maxTokens: clientMax };
  }
  const budgetTokens = Math.max(wanted, MIN_THINKING_BUDGET);
  return { thinking: { type: 'enabled', budget_tokens: budgetTokens }, maxTokens: defaultMax + budgetTokens };
}

// Reasoning round-trips through OpenAI's opaque `encrypted_content` (Responses) or a signature field (Chat).
// A prefix marks what came from Claude, so only those go back as thinking blocks; anything else (an OpenAI
// model's encrypted reasoning from an earlier turn) is dropped, as Claude could not verify it.
const SIGNED = 'claude-thinking:';
const REDACTED = 'claude-redacted:';

export function encodeReasoning(block: { type: 'thinking'; signature: string } | { type: 'redacted_thinking'; data: string }): string {
  return block.type === 'thinking' ? SIGNED + block.signature : REDACTED + block.data;
}

/** encrypted_content + the reasoning text → the Claude block to send back, or undefined when it did not come from Claude. */
export function decodeReasoning(encrypted: string | null | undefined, text: string): Record<string, unknown> | undefined {
  if (!encrypted) return undefined;
  if (encrypted.startsWith(SIGNED)) return { type: 'thinking', thinking: text, signature: encrypted.slice(SIGNED.length) };
  if (encrypted.startsWith(REDACTED)) return { type: 'redacted_thinking', data: encrypted.slice(REDACTED.length) };
  return undefined;
}
