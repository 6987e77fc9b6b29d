// Prompt rendering: the manifest's raw template or chat template is rendered once with a sentinel where the text
// goes, then split there. The prefix, the text and the suffix are tokenised separately (training/dnw/
// package_prompt.py does the same), so the text's tokens, and their offsets, do not depend on the template.

import { Template } from '@huggingface/jinja';
import type { Range } from '../../core/document.js';
import type { ModelManifest } from '../../core/model-package/manifest.js';
import type { TextTokenizer } from './text-tokenizer.js';

// Private-use characters: no chat template rewrites them and no text contains them by accident.
const SENTINEL = '\ue000DNW_TEXT\ue000';

export interface PromptParts {
  prefix: string;
  suffix: string;
}

/** Renders the prompt around a sentinel and splits it; `chatTemplate` comes from tokenizer_config.json by default. */
export function renderPromptParts(manifest: ModelManifest, tokenizerConfig: Record<string, unknown>): PromptParts {
  const prompt = manifest.prompt;
  let rendered: string;
  if (prompt.kind === 'raw') {
    rendered = prompt.template.replace('{text}', SENTINEL);
  } else {
    const template = prompt.chatTemplate ?? tokenizerConfig.chat_template;
    if (typeof template !== 'string')
      throw new Error(
        'prompt.kind is chat but neither prompt.chatTemplate nor tokenizer_config.json has a chat_template',
      );
    const messages = [
      ...(prompt.system ? [{ role: 'system', content: prompt.system }] : []),
      { role: 'user', content: prompt.user.replace('{text}', SENTINEL) },
    ];
    rendered = new Template(template).render({
      messages,
      add_generation_prompt: true,
      bos_token: tokenizerConfig.bos_token ?? '',
      eos_token: tokenizerConfig.eos_token ?? '',
    });
  }
  const parts = rendered.split(SENTINEL);
  if (parts.length !== 2) throw new Error(`the rendered prompt holds the text ${parts.length - 1} times, not once`);
  return { prefix: parts[0], suffix: parts[1] };
}

export interface BuiltPrompt {
  ids: number[];
  /** Index in `ids` of the first text token. */
  textStart: number;
  /** Code-point range of each text token in the text. */
  textTokens: Range[];
}

/** Prompt ids for `text`: [bos if prompt.addBos] + prefix + text + suffix, each part tokenised on its own. */
export class PromptBuilder {
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];

  constructor(
    private readonly manifest: ModelManifest,
    private readonly tokenizer: TextTokenizer,
    parts: PromptParts,
  ) {
    const bos = manifest.prompt.addBos && manifest.tokens.bos !== undefined ? [manifest.tokens.bos] : [];
    this.prefixIds = [...bos, ...tokenizer.encode(parts.prefix)];
    this.suffixIds = tokenizer.encode(parts.suffix);
  }

  /** Prompt tokens besides the text's. */
  get overhead(): number {
    return this.prefixIds.length + this.suffixIds.length;
  }

  build(text: string): BuiltPrompt {
    const { ids, ranges } = this.tokenizer.encodeWithOffsets(text);
    return {
      ids: [...this.prefixIds, ...ids, ...this.suffixIds],
      textStart: this.prefixIds.length,
      textTokens: ranges,
    };
  }
}
