import type { MentionPart } from '@qc/shared';
import type { ReactNode } from 'react';

/** How a mention is shown (the chip); text parts never reach it from the renderer, but the type is the parser's. */
export type RenderMention = (part: MentionPart) => ReactNode;

/** Until the mention chip exists: a person's reference says only that it is one. */
export const defaultRenderMention: RenderMention = (part) => {
  switch (part.kind) {
    case 'user':
      return <span className="mention">@unknown</span>;
    case 'broadcast':
      return <span className="mention mention--broadcast">@{part.which}</span>;
    case 'text':
      return part.text;
  }
};
