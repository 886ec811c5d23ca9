// What a Claude model takes, read from its name: its version decides the structured-output and thinking forms.
// Names put the version after the family (claude-sonnet-4-6, claude-haiku-4-5-20251001) or before it
// (claude-3-7-sonnet-20250219); a trailing 8-digit date is not a version.
export interface ClaudeVersion {
  family: string;
  major: number;
  minor: number;
}

export function claudeVersion(model: string): ClaudeVersion | undefined {
  const after = /^claude-([a-z]+)-(\d{1,2})(?:-(\d{1,2}))?(?:-|$)/.exec(model);
  if (after) return { family: after[1]!, major: Number(after[2]), minor: after[3] === undefined ? 0 : Number(after[3]) };
  const before = /^claude-(\d{1,2})(?:-(\d{1,2}))?-([a-z]+)/.exec(model);
  if (before) return { family: before[3]!, major: Number(before[1]), minor: before[2] === undefined ? 0 : Number(before[2]) };
  return undefined;
}

/** Claude 4.5 and later (and Opus 4.1) take native structured output (`output_config.format`). */
export function supportsNativeStructuredOutput(model: string): boolean {
  const v = claudeVersion(model);
  if (!v) return false;
  if (v.major !== 4) return v.major > 4;
  return v.minor >= 5 || (v.family === 'opus' && v.minor === 1);
}

/**
 * Claude 4.6 and later think in the adaptive form (`thinking: {type: "adaptive"}` with `output_config.effort`);
 * from Opus 4.7 and the 5 family the budget form is refused outright. Earlier models only know the budget form.
 */
export function usesAdaptiveThinking(model: string): boolean {
  if (/^claude-(mythos|fable)\b/.test(model)) return true;
  const v = claudeVersion(model);
  if (!v) return false;
  return v.major > 4 || (v.major === 4 && v.minor >= 6);
}
